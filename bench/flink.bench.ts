/**
 * A Nexmark-style race: the in-process engine against Apache Flink (the embedded MiniCluster, 2.2) at parallelism 1
 * and 2, on the same machine in the same run, input from and output to a real Kafka broker (Apache Kafka 4, one KRaft
 * node, started here). The Nexmark bid stream (auction, bidder, price, channel, event time), five queries, each a
 * Sluice pipeline run as it is (`sluice run` as a process of its own, or `deploy` to Flink):
 *   q0 pass-through · q1 a map (dollars to euros) · q2 a filter (auction % 123 = 0) ·
 *   q5-like "hot items": bids per auction over 10 s windows sliding by 2 s ·
 *   q7-like: the highest bid per channel in 2 s tumbling windows.
 * Each run gets a fresh input topic holding `--events` bids (event time 1 ms apart, in the past), then:
 * - records/s over the backlog: input records accounted for by the output between its first and last record
 *   (engine start-up is not counted; a window result accounts for the input up to its end);
 * - end-to-end latency p50/p99: bids then sent live (5,000/s for 8 s, event time = wall clock), from sending to the
 *   output record's arrival (windows: from the window's end);
 * - memory: the engine process's peak resident set during the run (the sluice process; Flink's JVM, started afresh
 *   for each run: a MiniCluster, JobManager and TaskManager in one JVM);
 * - agreement: the backlog's results of every engine, sorted, must be equal (and equal a reference computed here).
 * Delivery is at least once on both sides (Flink's checkpointMode at-least-once, checkpoints every 10 s): exactly
 * once makes Flink's results visible only at checkpoints.
 * Goals: in-process ≥ Flink p1 on every query; Flink p2 ≥ 1.6 × p1 on the windowed ones.
 * `--quick`: small counts, one query pair (CI smoke; asserts agreement, no timing).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { JvmServer } from '../src/engine/connectors/jvm-server';
import { KafkaBroker } from '../src/engine/connectors/kafka/local';
import { kafkaClient } from '../src/engine/connectors/kafka/client';
import { deployPipeline } from '../src/engine/flink/deploy';
import { FlinkRest } from '../src/engine/flink/rest';
import { validateValue } from '../src/engine/validate/validate';
import { builtinRegistry } from '../src/engine/nodes/registry';
import { findPackageRoot } from '../src/engine/support/paths';
import type { PipelineDocument } from '../src/shared/document';

const ROOT = findPackageRoot(import.meta.dirname);
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    events: { type: 'string' },
    only: { type: 'string' },
    engines: { type: 'string', default: 'in-process,flink-p1,flink-p2' },
  },
});
const N = Number(values.events ?? (values.quick ? 20_000 : 400_000));
const PARTITIONS = 4;
const AUCTIONS = 1000;
const CHANNELS = 8;
const LIVE_RATE = values.quick ? 1000 : 5000;
const LIVE_MS = values.quick ? 3000 : 8000;
const WATERMARK_DELAY = 100;

interface Bid {
  auction: number;
  bidder: number;
  price: number;
  channel: string;
  ts: number;
  sentAt: number;
}

/** Bid i of a run: deterministic (a small LCG over i). */
function bid(i: number, ts: number, sentAt = 0): Bid {
  const h = (i * 2654435761) >>> 0;
  return {
    auction: h % AUCTIONS,
    bidder: (h >>> 10) % 5000,
    price: 100 + ((h >>> 3) % 9900),
    channel: `channel-${(h >>> 17) % CHANNELS}`,
    ts,
    sentAt,
  };
}

interface Query {
  name: string;
  /** Nodes between the source and the sink, wired in a line. */
  nodes: { id: string; type: string; config: Record<string, unknown> }[];
  windowed: boolean;
  /** The reference results of bids (JSON lines, as the engines write them, fields sorted). */
  reference(bids: Bid[]): Map<string, number>;
  /** The input index an output record accounts for (how far into the backlog it proves the engine got). */
  covers(out: Record<string, unknown>, base: number): number;
}

const line = (r: Record<string, unknown>) =>
  JSON.stringify(Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : 1))));
const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

function windowRef(
  bids: Bid[],
  size: number,
  slide: number,
  keyOf: (b: Bid) => string,
  agg: (rows: Bid[]) => Record<string, number>,
): Map<string, number> {
  const groups = new Map<string, Bid[]>();
  for (const b of bids)
    for (let start = Math.floor(b.ts / slide) * slide; start > b.ts - size; start -= slide) {
      const k = `${keyOf(b)}\u0000${start}`;
      let g = groups.get(k);
      if (!g) groups.set(k, (g = []));
      g.push(b);
    }
  const out = new Map<string, number>();
  for (const [k, rows] of groups) {
    const [key, start] = k.split('\u0000');
    const s = Number(start);
    bump(out, line({ key, windowStart: s, windowEnd: s + size, ts: s + size - 1, ...agg(rows) }));
  }
  return out;
}

const passthrough = (f: (b: Bid) => Record<string, unknown> | undefined) => (bids: Bid[]) => {
  const m = new Map<string, number>();
  for (const b of bids) {
    const r = f(b);
    if (r) bump(m, line(r));
  }
  return m;
};
const byTs = (out: Record<string, unknown>, base: number) => Number(out.ts) - base;
const byEnd = (out: Record<string, unknown>, base: number) => Number(out.windowEnd) + WATERMARK_DELAY - base;

const QUERIES: Query[] = [
  {
    name: 'q0 pass-through',
    nodes: [],
    windowed: false,
    reference: passthrough((b) => ({ ...b })),
    covers: byTs,
  },
  {
    name: 'q1 map (currency)',
    nodes: [
      {
        id: 'euros',
        type: 'map',
        config: {
          expression:
            '{"auction": auction, "bidder": bidder, "price": price * 908 / 1000, "channel": channel, "ts": ts, "sentAt": sentAt}',
        },
      },
    ],
    windowed: false,
    reference: passthrough((b) => ({ ...b, price: (b.price * 908) / 1000 })),
    covers: byTs,
  },
  {
    name: 'q2 filter',
    nodes: [{ id: 'some', type: 'filter', config: { expression: 'auction % 123 = 0' } }],
    windowed: false,
    reference: passthrough((b) => (b.auction % 123 === 0 ? { ...b } : undefined)),
    covers: byTs,
  },
  {
    name: 'q5-like hot items (sliding)',
    nodes: [
      { id: 'by-auction', type: 'key-by', config: { key: 'auction' } },
      {
        id: 'bids-10s',
        type: 'window',
        config: {
          kind: 'sliding',
          sizeMs: 10_000,
          slideMs: 2000,
          watermarkDelayMs: WATERMARK_DELAY,
          aggregates: [{ op: 'count', as: 'bids' }],
        },
      },
    ],
    windowed: true,
    reference: (bids) =>
      windowRef(
        bids,
        10_000,
        2000,
        (b) => String(b.auction),
        (rows) => ({ bids: rows.length }),
      ),
    covers: byEnd,
  },
  {
    name: 'q7-like max (tumbling)',
    nodes: [
      { id: 'by-channel', type: 'key-by', config: { key: 'channel' } },
      {
        id: 'max-2s',
        type: 'window',
        config: {
          sizeMs: 2000,
          watermarkDelayMs: WATERMARK_DELAY,
          aggregates: [{ op: 'max', field: 'price', as: 'price' }],
        },
      },
    ],
    windowed: true,
    reference: (bids) =>
      windowRef(
        bids,
        2000,
        2000,
        (b) => b.channel,
        (rows) => ({ price: Math.max(...rows.map((r) => r.price)) }),
      ),
    covers: byEnd,
  },
];

function pipeline(q: Query, input: string, output: string, parallelism: number): PipelineDocument {
  const nodes = [
    {
      id: 'bids',
      type: 'kafka-source',
      config: {
        profile: 'bench',
        topics: [input],
        group: `g-${output}`,
        start: 'earliest',
        idleTimeoutMs: 0,
        schema: {
          auction: 'integer',
          bidder: 'integer',
          price: 'integer',
          channel: 'string',
          ts: 'integer',
          sentAt: 'integer',
        },
      },
    },
    ...q.nodes,
    { id: 'out', type: 'kafka-sink', config: { profile: 'bench', topic: output } },
  ];
  return {
    version: 1,
    name: `nexmark ${output}`,
    flink: { checkpointMode: 'at-least-once', checkpointIntervalMs: 10_000, parallelism },
    nodes: nodes.map((n, i) => ({ ...n, position: { x: i * 220, y: 0 } })),
    edges: nodes.slice(1).map((n, i) => ({
      id: `e${i}`,
      from: { node: nodes[i]!.id, port: 'out' },
      to: { node: n.id, port: 'in' },
    })),
  };
}

/** Peak resident set of a process so far (VmHWM), in MiB. */
function peakRss(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

const quantile = (xs: number[], q: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

interface Result {
  engine: string;
  recordsPerSec: number;
  p50: number;
  p99: number;
  rssMiB: number;
  digest: string;
  results: number;
}

async function main(): Promise<void> {
  const broker = await KafkaBroker.start({ heap: '768m' });
  const dir = mkdtempSync(join(tmpdir(), 'sluice-nexmark-'));
  const settings = join(dir, 'settings.json');
  writeFileSync(settings, JSON.stringify({ kafka: { profiles: { bench: { brokers: broker.brokers } } } }));
  process.env.SLUICE_SETTINGS = settings;
  const kafka = kafkaClient({ name: 'bench', local: false, brokers: broker.brokers, clientId: 'bench' });
  const admin = kafka.admin();
  await admin.connect();
  const producer = kafka.producer();
  await producer.connect();
  let topics = 0;
  const topic = async (tag: string) => {
    const name = `nx-${++topics}-${tag}`;
    await admin.createTopics({ topics: [{ topic: name, numPartitions: PARTITIONS }], waitForLeaders: true });
    return name;
  };
  const send = async (t: string, bids: Bid[], first: number) => {
    for (let i = 0; i < bids.length; i += 2000)
      await producer.send({
        topic: t,
        acks: 1,
        messages: bids.slice(i, i + 2000).map((b, j) => ({
          partition: (first + i + j) % PARTITIONS,
          value: JSON.stringify(b),
        })),
      });
  };
  console.log(
    `Nexmark-style race: ${N.toLocaleString('en')} bids a run (${PARTITIONS} partitions), then ${LIVE_RATE}/s live for ${LIVE_MS / 1000} s; Apache Kafka broker at ${broker.brokers.join(',')}; ${availableParallelism()} CPU core(s) shared by the broker, the engine and this process`,
  );

  const table: { query: string; results: Result[] }[] = [];
  const queries = QUERIES.filter((q) => !values.only || q.name.startsWith(values.only)).slice(
    0,
    values.quick ? 2 : undefined,
  );
  for (const q of queries) {
    const results: Result[] = [];
    // The same backlog for every engine (event time 1 ms apart, ending a minute ago).
    const base = Math.floor((Date.now() - N - 60_000) / 10_000) * 10_000;
    const backlog = Array.from({ length: N }, (_, i) => bid(i, base + i));
    const tickTs = base + N + 15_000;
    // The backlog's results: every window of it has ended well before the tick's watermark (the tick's own end after).
    const inBacklog = (r: Record<string, unknown>) =>
      q.windowed ? Number(r.windowEnd) <= tickTs - 1000 : r.channel !== 'tick' && Number(r.ts) < base + N;
    const ref = q.reference(backlog);
    const expected = [...ref.values()].reduce((a, b) => a + b, 0);
    const refLines = [...ref].flatMap(([l, n]) => Array<string>(n).fill(l)).sort();
    for (const engine of values.engines.split(',').map((e) => e.replace(/^flink-p/, 'flink p'))) {
      const input = await topic('in');
      const output = await topic('out');
      await send(input, backlog, 0);
      // A tick on every partition after the backlog: every window of it fires.
      await send(
        input,
        Array.from({ length: PARTITIONS }, (_, p) => ({ ...bid(N + p, tickTs), auction: -1, channel: 'tick' })),
        0,
      );

      const got: { at: number; r: Record<string, unknown> }[] = [];
      const consumer = kafka.consumer({ groupId: `read-${output}`, maxWaitTimeInMs: 50 });
      await consumer.connect();
      await consumer.subscribe({ topic: output, fromBeginning: true });
      await consumer.run({
        eachBatch: async ({ batch }) => {
          const at = Date.now();
          for (const m of batch.messages) got.push({ at, r: JSON.parse(m.value!.toString()) });
        },
      });
      const doc = pipeline(q, input, output, engine === 'flink p2' ? 2 : 1);
      let pid: number;
      let stop: () => Promise<void>;
      if (engine === 'in-process') {
        const file = join(dir, `${output}.json`);
        writeFileSync(file, JSON.stringify(doc));
        const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'bin', 'sluice.js'), 'run', file], {
          env: { ...process.env, SLUICE_SETTINGS: settings },
          stdio: ['ignore', 'ignore', 'inherit'],
        });
        pid = child.pid!;
        const exited = new Promise((r) => child.once('exit', r));
        stop = async () => {
          child.kill('SIGINT');
          await exited;
        };
      } else {
        const server = await JvmServer.start('flink', { args: ['--slots', '4'], heap: '1g' });
        const rest = new FlinkRest(server.address);
        const r = validateValue(doc, builtinRegistry);
        if (!r.pipeline) throw new Error(JSON.stringify(r.issues));
        const deployment = await deployPipeline(r.pipeline, {
          name: 'bench',
          local: true,
          rest,
          parallelism: 1,
          checkpointIntervalMs: 10_000,
        });
        pid = server.pid;
        stop = async () => {
          await rest.cancel(deployment.jobId).catch(() => undefined);
          await server.stop();
        };
      }
      const backlogOut = () => got.filter((g) => inBacklog(g.r));
      const deadline = Date.now() + 600_000;
      while (backlogOut().length < expected) {
        if (Date.now() > deadline) throw new Error(`${q.name} ${engine}: ${backlogOut().length} of ${expected}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const outs = backlogOut();
      const first = outs[0]!;
      const last = outs[outs.length - 1]!;
      const covered = q.covers(last.r, base) - q.covers(first.r, base);
      const recordsPerSec = covered / Math.max(0.001, (last.at - first.at) / 1000);
      const lines = outs.map((g) => line(g.r)).sort();
      const digest = createHash('sha1').update(lines.join('\n')).digest('hex').slice(0, 12);
      if (lines.length !== refLines.length || lines.some((l, i) => l !== refLines[i]))
        throw new Error(`${q.name} ${engine}: the results differ from the reference`);

      // Live: event time = wall clock; latency from sending (windows: from the window's end) to arrival.
      const liveFrom = got.length;
      const liveStart = Date.now();
      for (let i = 0; Date.now() - liveStart < LIVE_MS; i++) {
        const now = Date.now();
        const k = Math.round(LIVE_RATE / 20);
        await send(
          input,
          Array.from({ length: k }, (_, j) => bid(N + 10 + i * k + j, now, now)),
          i * k,
        );
        await new Promise((r) => setTimeout(r, Math.max(0, liveStart + (i + 1) * 50 - Date.now())));
      }
      const liveEnd = Date.now();
      // Windows ending in the live stretch fire once the watermark passes their end.
      await new Promise((r) => setTimeout(r, q.windowed ? 3000 : 1000));
      const latencies = got
        .slice(liveFrom)
        .filter((g) =>
          q.windowed
            ? Number(g.r.windowEnd) > liveStart && Number(g.r.windowEnd) + WATERMARK_DELAY < liveEnd
            : Number(g.r.sentAt) > 0,
        )
        .map((g) => g.at - (q.windowed ? Number(g.r.windowEnd) : Number(g.r.sentAt)));
      const rssMiB = peakRss(pid);
      await stop();
      await consumer.disconnect();
      results.push({
        engine,
        recordsPerSec,
        p50: quantile(latencies, 0.5),
        p99: quantile(latencies, 0.99),
        rssMiB,
        digest,
        results: outs.length,
      });
      const res = results.at(-1)!;
      console.log(
        `${q.name.padEnd(28)} ${engine.padEnd(10)} ${Math.round(res.recordsPerSec).toLocaleString('en').padStart(9)} rec/s  latency p50 ${res.p50.toFixed(0).padStart(5)} ms p99 ${res.p99.toFixed(0).padStart(5)} ms (${latencies.length} results)  peak RSS ${res.rssMiB.toFixed(0)} MiB  ${res.results} results ${res.digest}`,
      );
    }
    table.push({ query: q.name, results });
  }

  console.log('\nratios (same machine, same run):');
  let agree = true;
  for (const { query, results } of table) {
    if (results.length < 3) continue;
    const [local, p1, p2] = results as [Result, Result, Result];
    const same = local.digest === p1.digest && p1.digest === p2.digest;
    agree &&= same;
    const windowed = QUERIES.find((q) => q.name === query)!.windowed;
    const a = local.recordsPerSec / p1.recordsPerSec;
    const b = p2.recordsPerSec / p1.recordsPerSec;
    console.log(
      `${query.padEnd(28)} in-process / Flink p1 ${a.toFixed(2)}× (goal ≥ 1: ${a >= 1 ? 'met' : 'NOT met'})  Flink p2 / p1 ${b.toFixed(2)}×${windowed ? ` (goal ≥ 1.6: ${b >= 1.6 ? 'met' : 'NOT met'})` : ''}  results ${same ? 'agree' : 'DIFFER'}`,
    );
  }
  await producer.disconnect();
  await admin.disconnect();
  await broker.stop();
  if (!agree) {
    console.error('the engines’ results differ');
    process.exit(1);
  }
}

await main();
