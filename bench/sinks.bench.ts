/**
 * Sinks against what a person would write by hand, in the same run, interleaved, median of 3:
 * - Redis: a pipeline live-room → redis (counter mode, HINCRBY room:<room> <type> 1, a pipeline per batch) against
 *   raw ioredis sending the same commands for the same events, one pipeline per batch of the same size.
 *   Goal ≥ 0.8×.
 * - Archive: live-room → archive to file:// (JSON lines, one file, renamed when done, fsynced first) against a plain
 *   fs.createWriteStream of the same lines. Goal ≥ 0.8× the MB/s.
 * Both sides make the same events with the same generator, so the ratio is about the sinks. `--quick`: small counts
 * (CI smoke; asserts no timing).
 */
import { createWriteStream, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Redis from 'ioredis';
import { localRedis } from '../src/engine/connectors/redis/local';
import type { PipelineDocument } from '../src/shared/document';
import { BATCH, batches as roomBatches, median, rate, room as roomOf, runPipeline } from './room-events';

const SEED = 3;
const room = (limit: number) => roomOf(limit, SEED);
const batches = (limit: number) => roomBatches(limit, SEED);
const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const RUNS = values.quick ? 1 : 3;
const REDIS_EVENTS = values.quick ? 20_000 : 300_000;
const ARCHIVE_EVENTS = values.quick ? 50_000 : 1_500_000;

function doc(sink: { type: string; config: Record<string, unknown> }, limit: number): PipelineDocument {
  return {
    version: 1,
    name: 'sink bench',
    nodes: [
      { id: 'room', type: 'live-room', position: { x: 0, y: 0 }, config: room(limit) },
      { id: 'sink', type: sink.type, position: { x: 200, y: 0 }, config: sink.config },
    ],
    edges: [{ id: 'e1', from: { node: 'room', port: 'out' }, to: { node: 'sink', port: 'in' } }],
  };
}

async function redisBench(): Promise<{ sluice: number; raw: number }> {
  const server = await localRedis();
  const redis = new Redis(server.url);
  const snapshot = async () => {
    const keys = (await redis.keys('room:*')).sort();
    return JSON.stringify(await Promise.all(keys.map(async (k) => [k, await redis.hgetall(k)])));
  };
  const byHand = async () => {
    const t0 = performance.now();
    for (const b of batches(REDIS_EVENTS)) {
      const p = redis.pipeline();
      for (const e of b) p.hincrby(`room:${e.room as string}`, e.type as string, 1);
      await p.exec();
    }
    return performance.now() - t0;
  };
  const sink = { type: 'redis', config: { mode: 'counter', key: '"room:" & room', field: 'type' } };
  const times = { sluice: [] as number[], raw: [] as number[] };
  let same = true;
  for (let i = 0; i < RUNS; i++) {
    await redis.flushall();
    times.raw.push(await byHand());
    const expected = await snapshot();
    await redis.flushall();
    times.sluice.push(await runPipeline(doc(sink, REDIS_EVENTS)));
    same &&= (await snapshot()) === expected;
  }
  redis.disconnect();
  await server.stop();
  const raw = (REDIS_EVENTS / median(times.raw)) * 1000;
  const sluice = (REDIS_EVENTS / median(times.sluice)) * 1000;
  console.log(
    `Redis sink — ${REDIS_EVENTS} events, HINCRBY room:<room> <type> 1, a pipeline per batch of ${BATCH}, median of ${RUNS}`,
  );
  console.log(`raw ioredis pipeline:  ${rate(raw)} commands/s`);
  console.log(`Sluice redis sink:     ${rate(sluice)} commands/s`);
  console.log(`results identical: ${same ? 'yes' : 'NO'}`);
  console.log(`ratio Sluice / raw ioredis: ${(sluice / raw).toFixed(3)}× (goal ≥ 0.8×)`);
  return { sluice, raw };
}

async function archiveBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-archive-bench-'));
  const byHand = async (path: string) => {
    const t0 = performance.now();
    const out = createWriteStream(path);
    for (const b of batches(ARCHIVE_EVENTS)) {
      let text = '';
      for (const e of b) text += JSON.stringify(e) + '\n';
      if (!out.write(text)) await once(out, 'drain');
    }
    await new Promise<void>((r) => out.end(r));
    return performance.now() - t0;
  };
  const times = { sluice: [] as number[], raw: [] as number[] };
  const sizes = { sluice: 0, raw: 0 };
  for (let i = 0; i < RUNS; i++) {
    const rawPath = join(dir, `by-hand-${i}.jsonl`);
    times.raw.push(await byHand(rawPath));
    sizes.raw = statSync(rawPath).size;
    rmSync(rawPath);
    const target = join(dir, `sluice-${i}`);
    times.sluice.push(
      await runPipeline(
        doc({ type: 'archive', config: { target: `file://${target}`, path: '', rollBytes: 2 ** 30 } }, ARCHIVE_EVENTS),
      ),
    );
    const files = readdirSync(target);
    if (files.length !== 1 || files[0]!.startsWith('.'))
      throw new Error(`expected one finished file, found ${files.join(', ')}`);
    sizes.sluice = statSync(join(target, files[0]!)).size;
    rmSync(target, { recursive: true });
  }
  rmSync(dir, { recursive: true });
  const mb = (bytes: number, ms: number) => bytes / 2 ** 20 / (ms / 1000);
  const raw = mb(sizes.raw, median(times.raw));
  const sluice = mb(sizes.sluice, median(times.sluice));
  console.log(
    `Archive sink — ${ARCHIVE_EVENTS} events as JSON lines (${(sizes.raw / 2 ** 20).toFixed(1)} MiB) to a local file, median of ${RUNS}`,
  );
  console.log(`fs.createWriteStream:  ${raw.toFixed(1)} MB/s`);
  console.log(`Sluice archive sink:   ${sluice.toFixed(1)} MB/s (temporary name, fsync, rename)`);
  console.log(`same bytes: ${sizes.raw === sizes.sluice ? 'yes' : `NO (${sizes.raw} vs ${sizes.sluice})`}`);
  console.log(`ratio Sluice / fs.createWriteStream: ${(sluice / raw).toFixed(3)}× (goal ≥ 0.8×)`);
}

await redisBench();
console.log('');
await archiveBench();
