/**
 * `debug` sink: keeps the last N records for the studio to show. Can be throttled to play a slow consumer.
 */
import { z } from 'zod';
import { defineNode, type Rec } from '../../contract/spec';

export const DEBUG = 'debug';

const config = z.strictObject({
  keep: z.number().int().min(1).max(100_000).default(100).describe('How many of the latest records to keep.'),
  maxRecordsPerSecond: z
    .number()
    .min(0)
    .default(0)
    .describe('Take at most this many records per second (0: no limit). Upstream slows to match: back pressure.')
    .meta({ unit: 'records/s' }),
});

export default defineNode({
  type: DEBUG,
  category: 'sinks',
  title: 'Debug',
  description: 'Keeps the last N records for the studio to show; optionally takes records no faster than a set rate.',
  inputs: [{ name: 'in', type: 'record', description: 'Records to keep.' }],
  outputs: [],
  config,
  create(cfg) {
    const ring: Rec[] = new Array<Rec>(cfg.keep);
    let written = 0;
    const t0 = performance.now();
    let taken = 0;
    return {
      process(_port, batch) {
        for (const r of batch) ring[written++ % cfg.keep] = r;
        if (cfg.maxRecordsPerSecond > 0) {
          taken += batch.length;
          const dueMs = (taken / cfg.maxRecordsPerSecond) * 1000 - (performance.now() - t0);
          if (dueMs > 0) return new Promise<void>((r) => setTimeout(r, dueMs));
        }
      },
      peek() {
        const n = Math.min(written, cfg.keep);
        const out: Rec[] = [];
        for (let i = written - n; i < written; i++) out.push(ring[i % cfg.keep]!);
        return out;
      },
    };
  },
});
