/**
 * What the sink benchmarks share: the live room's events (the same generator feeds the pipeline and the hand-written
 * side), in batches of the source's size, running a pipeline timed, and the figures' arithmetic.
 */
import liveRoom, { liveRoomGenerator } from '../src/engine/nodes/sources/live-room';
import { validateValue } from '../src/engine/validate/validate';
import { Flow } from '../src/engine/runtime/flow';
import type { PipelineDocument } from '../src/shared/document';
import { builtinRegistry } from '../src/engine/nodes/registry';

export const BATCH = 500;
export const START = 1_800_000_000_000;

/** The live-room source's config for `limit` events. */
export const room = (limit: number, seed: number) => ({
  seed,
  limit,
  rooms: 50,
  users: 5000,
  paced: false,
  startTime: START,
  batchSize: BATCH,
});

/** The events of `room(limit, seed)` in batches, as the source makes them. */
export function* batches(limit: number, seed: number): Generator<Record<string, unknown>[]> {
  const cfg = liveRoom.config.parse(room(limit, seed));
  const next = liveRoomGenerator(cfg, START);
  for (let i = 0; i < limit; i += BATCH) {
    const b: Record<string, unknown>[] = [];
    for (let j = i; j < Math.min(limit, i + BATCH); j++) b.push(next(j));
    yield b;
  }
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
export const rate = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : `${(n / 1e3).toFixed(1)} k`);

/**
 * Run a pipeline to its end (milliseconds from the start), or until `until(flow)` holds (milliseconds from when
 * `started(flow)` first held: the first record read, so that joining the group is not counted, as by hand).
 */
export async function runPipeline(
  d: PipelineDocument,
  until?: (flow: Flow) => boolean,
  started?: (flow: Flow) => boolean,
): Promise<number> {
  const r = validateValue(d, builtinRegistry);
  if (!r.pipeline) throw new Error(JSON.stringify(r.issues));
  const errors: string[] = [];
  const flow = new Flow(
    r.pipeline,
    { onMetrics: () => undefined, onError: (_n, m) => errors.push(m), onState: () => undefined },
    { metricsIntervalMs: 1000 },
  );
  let t0 = performance.now();
  await flow.start();
  if (until) {
    if (started) {
      while (!started(flow)) await new Promise((res) => setImmediate(res));
      t0 = performance.now();
    }
    while (!until(flow)) await new Promise((res) => setTimeout(res, 5));
  } else await flow.done;
  const ms = performance.now() - t0;
  if (until) await flow.stop();
  if (errors.length) throw new Error(`the pipeline reported errors: ${errors.slice(0, 3).join('; ')}`);
  return ms;
}
