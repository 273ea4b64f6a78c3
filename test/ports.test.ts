import { describe, expect, it } from 'vitest';
import { canFeed, parsePortType, portTypeFor } from '../src/shared/ports';
import { resolvePorts, type NodeTypeInfo } from '../src/shared/spec';

describe('port types: one rule decides what may feed what', () => {
  it('allows equal kinds, and encoded video of a matching codec', () => {
    expect(canFeed('record', 'record')).toEqual({ ok: true });
    expect(canFeed('video/encoded(h264)', 'video/encoded(h264)')).toEqual({ ok: true });
    expect(canFeed('video/encoded(hevc)', 'video/encoded')).toEqual({ ok: true });
  });

  it('refuses mismatches in words that say what to add', () => {
    expect(canFeed('video/raw', 'record')).toEqual({
      ok: false,
      reason: 'video/raw cannot feed a record input: add an encoder and a packager first',
    });
    expect(canFeed('video/encoded(hevc)', 'video/encoded(h264)')).toEqual({
      ok: false,
      reason: 'video/encoded(hevc) cannot feed a video/encoded(h264) input: re-encode to h264 first',
    });
    expect(canFeed('bytes', 'record')).toEqual({
      ok: false,
      reason: 'bytes cannot feed a record input: add a parser that turns bytes into records first',
    });
    expect(canFeed('audio/raw', 'video/raw')).toEqual({
      ok: false,
      reason: 'audio/raw cannot feed a video/raw input: these kinds of data do not mix',
    });
  });

  it('rejects unknown port types', () => {
    expect(parsePortType('video/encoded(h264)')).toEqual({ kind: 'video/encoded', codec: 'h264' });
    expect(parsePortType('record(h264)')).toBeUndefined();
    expect(canFeed('telepathy', 'record')).toEqual({ ok: false, reason: 'unknown output port type "telepathy"' });
  });
});

describe('a port type that names a config field', () => {
  it('takes the field’s value, or the field’s default; left unset it does not parse', () => {
    expect(portTypeFor('video/encoded({codec})', { codec: 'hevc' })).toBe('video/encoded(hevc)');
    expect(portTypeFor('video/encoded({codec})', {})).toBe('video/encoded({codec})');
    expect(parsePortType(portTypeFor('video/encoded({codec})', {}))).toBeUndefined();
    expect(portTypeFor('record', { codec: 'hevc' })).toBe('record');
    const info: NodeTypeInfo = {
      type: 'enc',
      category: 'media',
      title: 'Encoder',
      description: '',
      inputs: [{ name: 'in', type: 'video/raw', description: '' }],
      outputs: [{ name: 'out', type: 'video/encoded({codec})', description: '' }],
      fields: [{ name: 'codec', type: 'enum', description: '', required: false, default: 'h264' }],
      configSchema: {},
    };
    expect(resolvePorts(info, {}).outputs[0]!.type).toBe('video/encoded(h264)');
    expect(resolvePorts(info, { codec: 'hevc' }).outputs[0]!.type).toBe('video/encoded(hevc)');
    expect(resolvePorts(info, {}).inputs).toBe(info.inputs);
  });
});
