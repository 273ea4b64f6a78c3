/**
 * Sluice's Kafka and HDFS nodes against the client library used directly, on the real servers (Apache Kafka 4, one
 * KRaft node; Hadoop 3.5's MiniDFSCluster with WebHDFS), started here; same run, interleaved, median of 3:
 * - Kafka sink: live-room → kafka-sink (key room, batches of 500, acks all) against a kafkajs producer loop sending
 *   the same records in the same batches with acks all, one request at a time. Goal ≥ 0.9× records/s.
 * - Kafka source: kafka-source (a fresh group, from the earliest offset, JSON values) → debug against a kafkajs
 *   consumer with eachBatch parsing the same JSON values, both from the first record read to the last (joining the
 *   group is not counted).
 *   Goal ≥ 0.9× records/s.
 * - Archive to HDFS: live-room → archive (one file, 1 MiB appends, renamed when done) against the `webhdfs` package
 *   writing the same lines by hand: CREATE, APPEND per MiB, RENAME. Goal ≥ 0.8× MB/s.
 * `--quick`: small counts (CI smoke; asserts no timing).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import webhdfs from 'webhdfs';
import { JvmServer } from '../src/engine/connectors/jvm-server';
import { brokerVersion, KafkaBroker } from '../src/engine/connectors/kafka/local';
import { kafkaClient } from '../src/engine/connectors/kafka/client';
import type { PipelineDocument } from '../src/shared/document';
import { BATCH, batches as roomBatches, median, rate, room as roomOf, runPipeline } from './room-events';

const SEED = 5;
const room = (limit: number) => roomOf(limit, SEED);
const batches = (limit: number) => roomBatches(limit, SEED);
const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const RUNS = values.quick ? 1 : 3;
const KAFKA_EVENTS = values.quick ? 20_000 : 300_000;
const HDFS_EVENTS = values.quick ? 20_000 : 400_000;
const FLUSH = 1024 * 1024;

const mbps = (bytes: number, ms: number) => bytes / 2 ** 20 / (ms / 1000);

function pipeline(nodes: { id: string; type: string; config: Record<string, unknown> }[]): PipelineDocument {
  return {
    version: 1,
    name: 'servers bench',
    nodes: nodes.map((n, i) => ({ ...n, position: { x: i * 200, y: 0 } })),
    edges: nodes.slice(1).map((n, i) => ({
      id: `e${i}`,
      from: { node: nodes[i]!.id, port: 'out' },
      to: { node: n.id, port: 'in' },
    })),
  };
}

async function kafkaBench(): Promise<void> {
  const broker = await KafkaBroker.start({ heap: '512m' });
  const profile = { name: 'bench', local: false, brokers: broker.brokers, clientId: 'bench' };
  const kafka = kafkaClient(profile);
  const admin = kafka.admin();
  await admin.connect();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  let topics = 0;
  const topic = async () => {
    const name = `bench-${++topics}`;
    await admin.createTopics({ topics: [{ topic: name, numPartitions: 4 }], waitForLeaders: true });
    return name;
  };
  let bytes = 0;
  for (const b of batches(KAFKA_EVENTS)) for (const e of b) bytes += Buffer.byteLength(JSON.stringify(e));
  const end = async (t: string) => (await admin.fetchTopicOffsets(t)).reduce((n, p) => n + Number(p.high), 0);

  const produceByHand = async (t: string) => {
    const t0 = performance.now();
    for (const b of batches(KAFKA_EVENTS))
      await producer.send({
        topic: t,
        acks: -1,
        messages: b.map((e) => ({ key: e.room as string, value: JSON.stringify(e) })),
      });
    return performance.now() - t0;
  };
  const sink = (t: string) =>
    pipeline([
      { id: 'room', type: 'live-room', config: room(KAFKA_EVENTS) },
      {
        id: 'sink',
        type: 'kafka-sink',
        config: { profile: 'bench', topic: t, key: 'room', batchSize: BATCH, acks: 'all' },
      },
    ]);
  let groups = 0;
  const consumeByHand = async (t: string) => {
    const consumer = kafka.consumer({ groupId: `raw-${++groups}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    let seen = 0;
    let sum = 0;
    let t0 = 0;
    await consumer.subscribe({ topics: [t], fromBeginning: true });
    await new Promise<void>((done) => {
      void consumer.run({
        eachBatch: async ({ batch }) => {
          t0 ||= performance.now();
          for (const m of batch.messages) sum += (JSON.parse(m.value!.toString()) as { id: number }).id >= 0 ? 1 : 0;
          seen += batch.messages.length;
          if (seen >= KAFKA_EVENTS) done();
        },
      });
    });
    const ms = performance.now() - t0;
    await consumer.disconnect();
    if (sum !== KAFKA_EVENTS) throw new Error(`by hand: read ${sum} of ${KAFKA_EVENTS}`);
    return ms;
  };
  const source = (t: string) =>
    pipeline([
      { id: 'in', type: 'kafka-source', config: { profile: 'bench', topics: [t], group: `sluice-${++groups}` } },
      { id: 'out', type: 'debug', config: {} },
    ]);

  const times = { rawSend: [] as number[], sink: [] as number[], rawRead: [] as number[], source: [] as number[] };
  // The pipelines name the profile "bench": a settings file of this run's own.
  const settings = join(mkdtempSync(join(tmpdir(), 'sluice-bench-')), 'settings.json');
  writeFileSync(settings, JSON.stringify({ kafka: { profiles: { bench: { brokers: broker.brokers } } } }));
  process.env.SLUICE_SETTINGS = settings;
  try {
    for (let i = 0; i < RUNS; i++) {
      const a = await topic();
      times.rawSend.push(await produceByHand(a));
      const b = await topic();
      times.sink.push(await runPipeline(sink(b)));
      const [na, nb] = [await end(a), await end(b)];
      if (na !== KAFKA_EVENTS || nb !== KAFKA_EVENTS) throw new Error(`topics hold ${na} and ${nb} records`);
      times.rawRead.push(await consumeByHand(a));
      times.source.push(
        await runPipeline(
          source(b),
          (f) => (f.runners.get('out')!.snapshot(undefined, 1).recordsIn ?? 0) >= KAFKA_EVENTS,
        ),
      );
    }
  } finally {
    await producer.disconnect();
    await admin.disconnect();
    await broker.stop();
  }
  const line = (label: string, ms: number) =>
    console.log(`${label}${rate((KAFKA_EVENTS / ms) * 1000)} records/s, ${mbps(bytes, ms).toFixed(1)} MB/s`);
  console.log(
    `Kafka — ${KAFKA_EVENTS} events as JSON (${(bytes / 2 ** 20).toFixed(1)} MiB), Apache Kafka ${brokerVersion() ?? '4'} on this machine, 4 partitions, median of ${RUNS}`,
  );
  line('kafkajs producer loop (acks all): ', median(times.rawSend));
  line('Sluice kafka-sink (acks all):     ', median(times.sink));
  console.log(
    `ratio Sluice kafka-sink / kafkajs producer: ${(median(times.rawSend) / median(times.sink)).toFixed(3)}× (goal ≥ 0.9×)`,
  );
  line('kafkajs consumer eachBatch:       ', median(times.rawRead));
  line('Sluice kafka-source:              ', median(times.source));
  console.log(
    `ratio Sluice kafka-source / kafkajs eachBatch: ${(median(times.rawRead) / median(times.source)).toFixed(3)}× (goal ≥ 0.9×)`,
  );
}

async function hdfsBench(): Promise<void> {
  const hdfs = await JvmServer.start('hdfs', { heap: '512m' });
  const u = new URL(hdfs.address);
  const client = webhdfs.createClient({
    host: u.hostname,
    port: Number(u.port),
    path: '/webhdfs/v1',
    user: process.env.HADOOP_USER_NAME || userInfo().username,
  });
  const call = <T>(f: (cb: (e: Error | null | undefined, v?: T) => void) => void) =>
    new Promise<T>((res, rej) => f((e, v) => (e ? rej(e) : res(v as T))));
  const byHand = async (dir: string) => {
    const t0 = performance.now();
    const temp = `${dir}/.by-hand.jsonl.inprogress`;
    await call((cb) => client.mkdir(dir, null, cb));
    let pending = '';
    let created = false;
    const flush = async () => {
      const chunk = Buffer.from(pending);
      pending = '';
      await call((cb) => client.writeFile(temp, chunk, created, {}, cb));
      created = true;
    };
    for (const b of batches(HDFS_EVENTS)) {
      for (const e of b) pending += JSON.stringify(e) + '\n';
      if (pending.length >= FLUSH) await flush();
    }
    if (pending) await flush();
    await call((cb) => client.rename(temp, `${dir}/by-hand.jsonl`, cb));
    return performance.now() - t0;
  };
  const size = async (path: string) => (await call<{ length: number }>((cb) => client.stat(path, cb))).length;
  const times = { raw: [] as number[], sluice: [] as number[] };
  const sizes = { raw: 0, sluice: 0 };
  try {
    for (let i = 0; i < RUNS; i++) {
      times.raw.push(await byHand(`/bench/raw-${i}`));
      sizes.raw = await size(`/bench/raw-${i}/by-hand.jsonl`);
      const dir = `/bench/sluice-${i}`;
      times.sluice.push(
        await runPipeline(
          pipeline([
            { id: 'room', type: 'live-room', config: room(HDFS_EVENTS) },
            {
              id: 'sink',
              type: 'archive',
              config: { target: `${hdfs.address}${dir}`, path: '', rollBytes: 2 ** 30, flushBytes: FLUSH },
            },
          ]),
        ),
      );
      const files = (await call<{ pathSuffix: string }[]>((cb) => client.readdir(dir, cb))).map((s) => s.pathSuffix);
      if (files.length !== 1 || files[0]!.startsWith('.'))
        throw new Error(`expected one finished file, found ${files.join(', ')}`);
      sizes.sluice = await size(`${dir}/${files[0]}`);
    }
  } finally {
    await hdfs.stop();
  }
  const raw = mbps(sizes.raw, median(times.raw));
  const sluice = mbps(sizes.sluice, median(times.sluice));
  console.log(
    `Archive to HDFS — ${HDFS_EVENTS} events as JSON lines (${(sizes.raw / 2 ** 20).toFixed(1)} MiB) over WebHDFS to Hadoop 3.5's MiniDFSCluster, ${FLUSH / 2 ** 20} MiB appends, median of ${RUNS}`,
  );
  console.log(`webhdfs package by hand: ${raw.toFixed(1)} MB/s (CREATE, APPEND, RENAME)`);
  console.log(`Sluice archive sink:     ${sluice.toFixed(1)} MB/s`);
  console.log(`same bytes: ${sizes.raw === sizes.sluice ? 'yes' : `NO (${sizes.raw} vs ${sizes.sluice})`}`);
  console.log(`ratio Sluice / webhdfs: ${(sluice / raw).toFixed(3)}× (goal ≥ 0.8×)`);
}

await kafkaBench();
console.log('');
await hdfsBench();
