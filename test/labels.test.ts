/** The inspector's field labels: config keys as people read them, the key itself still shown beside. */
import { describe, expect, it } from 'vitest';
import { fieldLabel } from '../src/renderer/src/components/format';

describe('field labels', () => {
  it('split camelCase into words, capitalise the first, and leave the unit to its brackets', () => {
    expect(fieldLabel('sizeMs', 'ms')).toBe('Size');
    expect(fieldLabel('watermarkDelayMs', 'ms')).toBe('Watermark delay');
    expect(fieldLabel('maxRecordsPerSecond')).toBe('Max records per second');
    expect(fieldLabel('maxMessageBytes', 'bytes')).toBe('Max message');
    expect(fieldLabel('expression')).toBe('Expression');
    expect(fieldLabel('topN')).toBe('Top N');
    expect(fieldLabel('ms', 'ms')).toBe('Ms');
  });
});
