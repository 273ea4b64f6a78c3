/**
 * The CLI's one-line summary says where each window's watermark stands: how far it trails the newest event and what
 * holds it, or what it still waits for.
 */
import { describe, expect, it } from 'vitest';
import { summaryLine } from '../src/cli/summary';
import type { MetricsTick, NodeMetrics } from '../src/shared/metrics';
import { builtinRegistry } from '../src/engine/nodes/registry';
import { describeNode } from '../src/engine/contract/describe';

const node = (extra: Partial<NodeMetrics>): NodeMetrics => ({
  state: 'running',
  recordsInPerSec: 0,
  recordsOutPerSec: 0,
  bytesInPerSec: 0,
  bytesOutPerSec: 0,
  recordsIn: 0,
  recordsOut: 0,
  errors: 0,
  dropped: 0,
  p50Ms: 0,
  p99Ms: 0,
  ...extra,
});
const types = new Map(
  ['read', 'win', 'other'].map((id) => [
    id,
    describeNode(builtinRegistry.get(id === 'read' ? 'kafka-source' : 'window')!),
  ]),
);
const tick = (win: NodeMetrics['eventTime'], other?: NodeMetrics['eventTime']): MetricsTick => ({
  runId: 'r',
  seq: 1,
  time: 0,
  elapsedMs: 3000,
  nodes: {
    read: node({ recordsOut: 30, eventTime: { watermark: 1, partitions: { 't/0': { idle: false } } } }),
    win: node({ eventTime: win }),
    ...(other ? { other: node({ eventTime: other }) } : {}),
  },
  edges: {},
});

describe('the run summary', () => {
  it('gives each window’s watermark trail and what holds it back, not the sources’ partitions', () => {
    const line = summaryLine(
      tick({ watermark: 10_000, newest: 10_462, trailMs: 462, heldBy: 'read t/0', idle: ['read t/1'] }),
      undefined,
      types,
    );
    expect(line).toBe('3s | read→30.0 | win wm −462 ms (held by read t/0, 1 idle partition(s)) | errors 0');
  });

  it('says what a window without a watermark waits for', () => {
    const line = summaryLine(
      tick({ heldBy: 'read t/2' }, { watermark: 5, newest: 60_005, trailMs: 60_000 }),
      undefined,
      types,
    );
    expect(line).toBe('3s | read→30.0 | win no watermark yet (waiting for read t/2) | other wm −60 s | errors 0');
  });
});

describe('a live ingest in the run summary', () => {
  const ingestTypes = new Map([['obs', describeNode(builtinRegistry.get('stream-ingest')!)]]);
  const media = {
    frames: 0,
    fps: 0,
    speed: 0,
    dropped: 0,
    duplicated: 0,
    dropLevel: 'ok' as const,
    encoder: 'libx264',
  };
  const at = (ingest: NonNullable<NonNullable<NodeMetrics['media']>['ingest']>, frames = 0): MetricsTick => ({
    runId: 'r',
    seq: 1,
    time: 0,
    elapsedMs: 3000,
    nodes: { obs: node({ media: { ...media, frames, fps: frames ? 30 : 0, ingest } }) },
    edges: {},
  });
  const url = 'rtmp://127.0.0.1:1935/live/k';
  it('says it waits for a publisher, and where, with the gaps so far', () => {
    expect(summaryLine(at({ url, waiting: true, gaps: 1, gapSeconds: 2, refused: 0 }), undefined, ingestTypes)).toBe(
      `3s | obs waiting for a publisher at ${url} (1 gap) | errors 0`,
    );
  });
  it('then what the publisher sends, and the group’s figures', () => {
    const line = summaryLine(
      at(
        {
          url,
          waiting: false,
          gaps: 0,
          gapSeconds: 0,
          refused: 0,
          bitrateKbps: 2500,
          publisher: { codec: 'h264', width: 1280, height: 720, fps: 30 },
        },
        90,
      ),
      undefined,
      ingestTypes,
    );
    expect(line).toMatch(
      /^3s \| obs publisher h264 1280x720 2500 kbit\/s in \| obs 90 frames 30 fps 0\.00× libx264 \| errors 0$/,
    );
  });
});
