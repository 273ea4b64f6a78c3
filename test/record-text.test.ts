/** Records as the studio shows them: times as dates under time-like names, a one-line preview when collapsed. */
import { describe, expect, it } from 'vitest';
import { dateTime, isEpochMs, leafText, preview } from '../src/renderer/src/components/record-text';

const T = Date.UTC(2026, 11, 6, 8, 30, 1, 234);

describe('record text', () => {
  it('takes a number as a time only under a time-like name and in the range of epoch milliseconds', () => {
    for (const name of ['ts', 'time', 'timestamp', 'windowStart', 'windowEnd', 'createdAt', 'eventTime', 'sentTs'])
      expect(isEpochMs(name, T)).toBe(true);
    expect(isEpochMs('coins', T)).toBe(false); // a big count is a count
    expect(isEpochMs('ts', 42)).toBe(false); // a small number is not a date, whatever its name
    expect(isEpochMs('ts', T + 0.5)).toBe(false);
    expect(isEpochMs('ts', String(T))).toBe(false);
    expect(isEpochMs(3, T)).toBe(false); // a list's items have no name
  });

  it('writes a time in the local zone to the millisecond, and other leaves as JSON', () => {
    const d = new Date(T);
    const hh = String(d.getHours()).padStart(2, '0');
    expect(dateTime(T)).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2} ${hh}:30:01\\.234$`));
    expect(leafText('ts', T)).toBe(dateTime(T));
    expect(leafText('user', 'ana')).toBe('"ana"');
    expect(leafText('coins', 5)).toBe('5');
    expect(leafText('x', null)).toBe('null');
  });

  it('previews a record in one line, times as dates, nested values shortened, long ones cut with an ellipsis', () => {
    expect(preview({ type: 'gift', coins: 5, ts: T })).toBe(`{type: "gift", coins: 5, ts: ${dateTime(T)}}`);
    expect(preview({ key: 'r1', top: [{ user: 'a', coins: 3 }], deep: { a: { b: 1 } } })).toBe(
      '{key: "r1", top: [{…}], deep: {a: {…}}}',
    );
    const long = preview({ text: 'x'.repeat(500) }, 40);
    expect(long).toHaveLength(41);
    expect(long.endsWith('…')).toBe(true);
  });
});
