/**
 * Exactly once on Flink, proven by killing: a real Flink session cluster (the JobManager and its TaskManager each a
 * JVM of its own) reads a real Kafka broker and writes its window results transactionally. The TaskManager is
 * SIGKILLed mid-run; the job restarts from its last checkpoint on a new one, and the output read with read_committed
 * holds every expected window result exactly once. The same input through the in-process engine (at least once),
 * its process SIGKILLed at the same point and started again, counts its duplicates side by side. And a job stopped
 * with a savepoint and started again from it gives the results of one uninterrupted run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaClient } from '../src/engine/connectors/kafka/client';
import { KafkaBroker } from '../src/engine/connectors/kafka/local';
import type { KafkaProfile } from '../src/engine/connectors/kafka/profiles';
import { deployPipeline } from '../src/engine/flink/deploy';
import { FlinkSession } from '../src/engine/flink/session';
import type { PipelineDocument } from '../src/shared/document';
import { resolve, ROOT, tempDir, until, wired } from './helpers';

const BIN = join(ROOT, 'bin', 'sluice.js');
const PARTITIONS = 3;
const ROOMS = 4;
/** Event time advances 5 ms a record: 200 records a second of event time. */
const STEP_MS = 5;
const START = 1_900_000_000_000;

let broker: KafkaBroker;
let session: FlinkSession;
let settings: string;
const profile = (): KafkaProfile => ({ name: 'shared', local: false, brokers: broker.brokers, clientId: 'test' });

beforeAll(async () => {
  [broker, session] = await Promise.all([KafkaBroker.start(), FlinkSession.start({ taskManagers: 1, slots: 2 })]);
  settings = join(tempDir('exactly-once'), 'settings.json');
  writeFileSync(settings, JSON.stringify({ kafka: { profiles: { shared: { brokers: broker.brokers } } } }));
  // The deploys of this process resolve the `shared` profile from the same settings file as the runs it starts.
  process.env.SLUICE_SETTINGS = settings;
}, 180_000);
afterAll(async () => {
  await Promise.all([session?.stop(), broker?.stop()]);
});

interface Gift {
  id: number;
  type: string;
  room: string;
  user: string;
  ts: number;
  coins: number;
}

/** Gifts `from`…`to`-1: deterministic rooms and coins, event time in order. */
function gifts(from: number, to: number): Gift[] {
  const out: Gift[] = [];
  for (let i = from; i < to; i++)
    out.push({
      id: i,
      type: 'gift',
      room: `room-${(i * 7) % ROOMS}`,
      user: `user-${(i * 13) % 50}`,
      ts: START + i * STEP_MS,
      coins: 1 + ((i * 31) % 97),
    });
  return out;
}

/** The window results a correct run gives: coins and gifts per room and 1 s window. */
function reference(events: Gift[]): Map<string, { coins: number; gifts: number }> {
  const ref = new Map<string, { coins: number; gifts: number }>();
  for (const e of events) {
    const k = `${e.room}@${Math.floor(e.ts / 1000) * 1000}`;
    const r = ref.get(k) ?? { coins: 0, gifts: 0 };
    ref.set(k, { coins: r.coins + e.coins, gifts: r.gifts + 1 });
  }
  return ref;
}

async function send(topic: string, events: { ts: number }[], first = 0): Promise<void> {
  const producer = kafkaClient(profile()).producer();
  await producer.connect();
  try {
    await producer.send({
      topic,
      acks: -1,
      // Every partition gets records (round robin), so none holds the watermark back.
      messages: events.map((e, i) => ({ partition: (first + i) % PARTITIONS, value: JSON.stringify(e) })),
    });
  } finally {
    await producer.disconnect();
  }
}

/** A tick on every partition, far ahead in event time: every window of the gifts before it fires. */
const flush = (topic: string) =>
  send(
    topic,
    Array.from({ length: PARTITIONS }, (_, p) => ({ type: 'tick', room: 'none', ts: START + 10_000_000 + p })),
  );

/** Gifts sent live: `perTick` every 100 ms (a stream's pace) until `n` have gone; resolves when all have. */
function paced(topic: string, n: number, perTick: number): { sent: () => number; done: Promise<void> } {
  let sent = 0;
  const done = new Promise<void>((resolve, reject) => {
    let sending = false;
    const timer = setInterval(() => {
      if (sending) return;
      sending = true;
      const next = Math.min(n, sent + perTick);
      send(topic, gifts(sent, next), sent).then(
        () => {
          sent = next;
          sending = false;
          if (sent < n) return;
          clearInterval(timer);
          resolve();
        },
        (err: unknown) => {
          clearInterval(timer);
          reject(err);
        },
      );
    }, 100);
  });
  return { sent: () => sent, done };
}

/** What a topic holds, read as a read_committed consumer (what a transaction did not commit is never seen). */
function committed(topic: string): { rows: Record<string, unknown>[]; stop: () => Promise<void> } {
  const rows: Record<string, unknown>[] = [];
  const consumer = kafkaClient(profile()).consumer({ groupId: `read-${topic}-${Date.now()}`, readUncommitted: false });
  const ready = (async () => {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void rows.push(JSON.parse(message.value!.toString())) });
  })();
  return {
    rows,
    stop: async () => {
      await ready;
      await consumer.disconnect();
    },
  };
}

/** Window results against the reference: those missing, those given more than once, and any with a wrong value. */
function tally(rows: Record<string, unknown>[], ref: Map<string, { coins: number; gifts: number }>) {
  const seen = new Map<string, number>();
  const wrong: string[] = [];
  for (const r of rows) {
    const k = `${r.key}@${r.windowStart}`;
    seen.set(k, (seen.get(k) ?? 0) + 1);
    const want = ref.get(k);
    if (!want || want.coins !== r.coins || want.gifts !== r.gifts) wrong.push(`${k}: ${JSON.stringify(r)}`);
  }
  return {
    missing: [...ref.keys()].filter((k) => !seen.has(k)).length,
    duplicated: [...seen.values()].reduce((n, c) => n + c - 1, 0),
    wrong,
  };
}

/**
 * Gifts summed per room in 1 s tumbling windows, to Kafka. Checkpoints each second on Flink, exactly once. The
 * source commits its offsets every 60 s in-process: a crash there replays everything since the last commit (at
 * least once), which makes the in-process duplicates certain rather than a matter of timing.
 */
function pipeline(name: string, input: string, output: string, group: string): PipelineDocument {
  const doc = wired(
    name,
    [
      {
        id: 'read',
        type: 'kafka-source',
        config: {
          profile: 'shared',
          topics: [input],
          group,
          start: 'earliest',
          commitIntervalMs: 60_000,
          idleTimeoutMs: 0,
          schema: { id: 'integer', type: 'string', room: 'string', user: 'string', ts: 'integer', coins: 'integer' },
        },
      },
      { id: 'gifts', type: 'filter', config: { expression: "type = 'gift'" } },
      { id: 'by-room', type: 'key-by', config: { key: 'room' } },
      {
        id: 'per-second',
        type: 'window',
        config: {
          sizeMs: 1000,
          watermarkDelayMs: 200,
          aggregates: [
            { op: 'sum', field: 'coins', as: 'coins' },
            { op: 'count', as: 'gifts' },
          ],
        },
      },
      { id: 'out', type: 'kafka-sink', config: { profile: 'shared', topic: output } },
    ],
    ['read.out>gifts.in', 'gifts.out>by-room.in', 'by-room.out>per-second.in', 'per-second.out>out.in'],
  );
  return { ...doc, flink: { checkpointIntervalMs: 1000, checkpointMode: 'exactly-once', parallelism: 2 } };
}

/** `sluice run` of a pipeline file, as its own process (so that it can be killed). */
function sluiceRun(file: string): { child: ChildProcess; exited: Promise<number | null>; output: () => string } {
  const child = spawn(process.execPath, [BIN, 'run', file], {
    env: { ...process.env, SLUICE_SETTINGS: settings },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += String(d)));
  child.stderr!.on('data', (d: Buffer) => (output += String(d)));
  return { child, exited: new Promise((r) => child.once('exit', (code) => r(code))), output: () => output };
}

describe('exactly once on Flink', () => {
  it('a TaskManager SIGKILLed mid-run: the job restarts from its checkpoint and read_committed output holds every window once; in-process (at least once) killed at the same point, its duplicates counted', async () => {
    const N = 12_000; // 60 s of event time: 240 windows, sent over about 15 s
    const input = 'kill-gifts';
    await broker.createTopic(input, PARTITIONS);
    await broker.createTopic('kill-flink', PARTITIONS);
    await broker.createTopic('kill-local', PARTITIONS);
    const ref = reference(gifts(0, N));
    const flinkOut = committed('kill-flink');
    const localOut = committed('kill-local');
    const file = join(tempDir('kill-local'), 'pipeline.json');
    writeFileSync(file, JSON.stringify(pipeline('kill in-process', input, 'kill-local', 'kill-local'), null, 2));

    const deployment = await deployPipeline(
      resolve(pipeline('kill on flink', input, 'kill-flink', 'kill-flink')),
      session.cluster(),
    );
    let local = sluiceRun(file);
    const producer = paced(input, N, 80);
    try {
      // Mid-run: windows given by both, a checkpoint completed, a good part of the input still to come.
      await until(
        async () =>
          flinkOut.rows.length >= 20 &&
          localOut.rows.length >= 20 &&
          ((await session.rest.checkpoints(deployment.jobId)).counts.completed ?? 0) >= 1,
        90_000,
        'windows from both engines and a completed checkpoint',
      );
      expect(producer.sent()).toBeLessThan(N / 2);
      const tm = session.running[0]!;
      const beforeKill = { flink: flinkOut.rows.length, local: localOut.rows.length, sent: producer.sent() };
      await session.killTaskManager(tm);
      local.child.kill('SIGKILL');
      await local.exited;
      // A supervisor brings both back: a new TaskManager, the same command again.
      await session.addTaskManager();
      local = sluiceRun(file);
      await producer.done;
      await flush(input);
      await until(
        () => tally(flinkOut.rows, ref).missing === 0 && tally(localOut.rows, ref).missing === 0,
        120_000,
        'every window from both engines',
      );
      // Anything a replay wrote again is in a transaction: one more completed checkpoint commits or aborts it.
      const done = (await session.rest.checkpoints(deployment.jobId)).counts.completed;
      await until(
        async () => (await session.rest.checkpoints(deployment.jobId)).counts.completed >= done + 2,
        30_000,
        'two more checkpoints',
      );
      const onFlink = tally(flinkOut.rows, ref);
      const inProcess = tally(localOut.rows, ref);
      console.log(
        `TaskManager killed after ${beforeKill.sent} of ${N} gifts (${beforeKill.flink} windows out on Flink, ${beforeKill.local} in-process); ${ref.size} windows expected. ` +
          `Flink exactly once: ${flinkOut.rows.length} read_committed, ${onFlink.missing} missing, ${onFlink.duplicated} duplicated. ` +
          `In-process at least once: ${localOut.rows.length} results, ${inProcess.missing} missing, ${inProcess.duplicated} duplicated.`,
      );
      // The job did restart: the TaskManager's loss is in its exception history.
      expect((await session.rest.exceptions(deployment.jobId)).length).toBeGreaterThanOrEqual(1);
      expect(onFlink).toEqual({ missing: 0, duplicated: 0, wrong: [] });
      expect(flinkOut.rows.length).toBe(ref.size);
      // At least once: nothing missing, every value right, but the windows replayed since the last commit given again.
      expect(inProcess.missing).toBe(0);
      expect(inProcess.wrong).toEqual([]);
      expect(inProcess.duplicated).toBeGreaterThanOrEqual(beforeKill.local);
    } finally {
      local.child.kill('SIGINT');
      await local.exited;
      await session.rest.cancel(deployment.jobId).catch(() => undefined);
      await Promise.all([flinkOut.stop(), localOut.stop()]);
    }
  }, 360_000);

  it('stopped with a savepoint and started again from it, nothing changed: the same window results as one uninterrupted run, each once', async () => {
    const N = 6000; // 30 s of event time: 120 windows
    const input = 'sp-gifts';
    await broker.createTopic(input, PARTITIONS);
    await broker.createTopic('sp-resumed', PARTITIONS);
    await broker.createTopic('sp-whole', PARTITIONS);
    const resumedOut = committed('sp-resumed');
    const wholeOut = committed('sp-whole');
    const doc = (name: string, output: string) => {
      const d = pipeline(name, input, output, name);
      return { ...d, flink: { ...d.flink, parallelism: 1 } };
    };
    const whole = await deployPipeline(resolve(doc('sp-whole', 'sp-whole')), session.cluster());
    let resumed = await deployPipeline(resolve(doc('sp-resumed', 'sp-resumed')), session.cluster());
    try {
      await send(input, gifts(0, N / 2));
      await until(() => resumedOut.rows.length >= 20, 60_000, 'windows of the first half');
      const savepoint = await session.rest.stopWithSavepoint(resumed.jobId);
      const stopped = resumed.jobId;
      await until(async () => (await session.rest.job(stopped)).state === 'FINISHED', 30_000, 'the job finished');
      resumed = await deployPipeline(resolve(doc('sp-resumed', 'sp-resumed')), session.cluster(), {
        fromSavepoint: savepoint,
      });
      const again = resumed.jobId;
      await until(
        async () => (await session.rest.checkpoints(again)).latest.restored?.external_path === savepoint,
        30_000,
        'the job restored from the savepoint',
      );
      await send(input, gifts(N / 2, N), N / 2);
      await flush(input);
      const ref = reference(gifts(0, N));
      await until(
        () => tally(resumedOut.rows, ref).missing === 0 && tally(wholeOut.rows, ref).missing === 0,
        90_000,
        'every window from both jobs',
      );
      const done = (await session.rest.checkpoints(resumed.jobId)).counts.completed;
      await until(
        async () => (await session.rest.checkpoints(resumed.jobId)).counts.completed >= done + 2,
        30_000,
        'two more checkpoints',
      );
      const key = (rows: Record<string, unknown>[]) =>
        rows.map((r) => `${r.key}@${r.windowStart}=${r.coins}/${r.gifts}`).sort();
      expect(tally(resumedOut.rows, ref)).toEqual({ missing: 0, duplicated: 0, wrong: [] });
      expect(key(resumedOut.rows)).toEqual(key(wholeOut.rows));
    } finally {
      await Promise.all([whole, resumed].map((d) => session.rest.cancel(d.jobId).catch(() => undefined)));
      await Promise.all([resumedOut.stop(), wholeOut.stop()]);
    }
  }, 240_000);
});
