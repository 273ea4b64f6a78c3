/** Where the wrong-wire hint goes: beside the pointer, turned to the side that has room, always inside the window. */
import { describe, expect, it } from 'vitest';
import { placeHint } from '../src/renderer/src/components/placement';

const view = { width: 1440, height: 900 };

describe('wire hint placement', () => {
  it('sits below and right of the pointer where there is room', () => {
    expect(placeHint(100, 100, 300, 40, view)).toEqual({ left: 114, top: 114 });
  });
  it('turns to the left near the right edge, and above near the bottom', () => {
    expect(placeHint(1300, 100, 300, 40, view)).toEqual({ left: 986, top: 114 });
    expect(placeHint(100, 880, 300, 40, view)).toEqual({ left: 114, top: 826 });
  });
  it('stays inside the window when neither side has room', () => {
    const p = placeHint(200, 450, 1430, 40, view);
    expect(p.left).toBe(8);
    expect(p.left + 1430).toBeGreaterThan(view.width - 8); // wider than the window: its start is kept in view
  });
});
