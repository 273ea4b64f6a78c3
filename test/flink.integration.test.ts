/**
 * The data part of a pipeline on real Apache Flink (the embedded MiniCluster, 2.2, with its REST API) reading and
 * writing a real Kafka broker: the same pipeline through the in-process engine and through Flink gives the same
 * window results and the same late records; deploy refuses what does not compile and cancels a job that fails as it
 * starts; stop with a savepoint and start from it keeps the windows' state.
 */
import { execFile, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { JvmServer } from '../src/engine/connectors/jvm-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaClient } from '../src/engine/connectors/kafka/client';
import { resolveFlinkProfile, stopLocalFlink, type FlinkCluster } from '../src/engine/flink/cluster';
import { deployPipeline, FlinkCompileError, FlinkJobError } from '../src/engine/flink/deploy';
import { FlinkRest } from '../src/engine/flink/rest';
import type { PipelineDocument } from '../src/shared/document';
import { localKafka } from './kafka-fixture';
import { resolve, ROOT, startFlow, tempDir, until, wired } from './helpers';

const kafka = localKafka();
let flink: FlinkCluster;

beforeAll(async () => {
  flink = await resolveFlinkProfile('local');
}, 120_000);
afterAll(async () => {
  await stopLocalFlink();
});

interface Event {
  id: number;
  type: string;
  room: string;
  user: string;
  ts: number;
  coins?: number;
  count?: number;
}

async function createTopics(names: string[], partitions: number): Promise<void> {
  const admin = kafkaClient(kafka.profile()).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: names.map((topic) => ({ topic, numPartitions: partitions })),
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
}

async function produce(topic: string, events: Event[]): Promise<void> {
  const producer = kafkaClient(kafka.profile()).producer();
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: events.map((e) => ({ key: e.room, value: JSON.stringify(e) })) });
  } finally {
    await producer.disconnect();
  }
}

/** Everything written to a topic so far (values parsed), read by a consumer of its own until `done` holds. */
function collect(topic: string): { values: Record<string, unknown>[]; stop: () => Promise<void> } {
  const values: Record<string, unknown>[] = [];
  const consumer = kafkaClient(kafka.profile()).consumer({ groupId: `collect-${topic}-${Date.now()}` });
  const ready = (async () => {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void values.push(JSON.parse(message.value!.toString())) });
  })();
  return {
    values,
    stop: async () => {
      await ready;
      await consumer.disconnect();
    },
  };
}

const SCHEMA = {
  id: 'integer',
  type: 'string',
  room: 'string',
  user: 'string',
  ts: 'integer',
  coins: 'integer',
  count: 'integer',
};

/** The room pipeline: gifts summed per room in 1 s tumbling windows (late gifts to their own topic), likes in 2 s windows sliding by 1 s. */
function roomPipeline(name: string, input: string, prefix: string, group: string): PipelineDocument {
  const window = { watermarkDelayMs: 300 };
  return wired(
    name,
    [
      { id: 'read', type: 'kafka-source', config: { topics: [input], group, schema: SCHEMA, idleTimeoutMs: 0 } },
      { id: 'gifts', type: 'filter', config: { expression: "type = 'gift'" } },
      {
        id: 'coins',
        type: 'map',
        config: { expression: '{"room": room, "user": user, "ts": ts, "coins": coins * 2}' },
      },
      { id: 'by-room', type: 'key-by', config: { key: 'room' } },
      {
        id: 'coins-per-second',
        type: 'window',
        config: {
          ...window,
          sizeMs: 1000,
          aggregates: [
            { op: 'sum', field: 'coins', as: 'coins' },
            { op: 'count', as: 'gifts' },
            { op: 'max', field: 'coins', as: 'biggest' },
            { op: 'avg', field: 'coins', as: 'mean' },
          ],
        },
      },
      { id: 'coins-out', type: 'kafka-sink', config: { topic: `${prefix}-coins`, key: 'key' } },
      { id: 'late-out', type: 'kafka-sink', config: { topic: `${prefix}-late` } },
      { id: 'likes', type: 'filter', config: { expression: "type = 'like'" } },
      { id: 'likes-by-room', type: 'key-by', config: { key: 'room' } },
      {
        id: 'likes-2s',
        type: 'window',
        config: {
          ...window,
          kind: 'sliding',
          sizeMs: 2000,
          slideMs: 1000,
          aggregates: [
            { op: 'sum', field: 'count', as: 'likes' },
            { op: 'min', field: 'count', as: 'least' },
          ],
        },
      },
      { id: 'likes-out', type: 'kafka-sink', config: { topic: `${prefix}-likes` } },
    ],
    [
      'read.out>gifts.in',
      'gifts.out>coins.in',
      'coins.out>by-room.in',
      'by-room.out>coins-per-second.in',
      'coins-per-second.out>coins-out.in',
      'coins-per-second.late>late-out.in',
      'read.out>likes.in',
      'likes.out>likes-by-room.in',
      'likes-by-room.out>likes-2s.in',
      'likes-2s.out>likes-out.in',
    ],
  );
}

/** Deterministic room events: `n` events 10 ms apart in event time, each up to 250 ms early (out of order, never late). */
function roomEvents(n: number, start: number): Event[] {
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const out: Event[] = [];
  for (let i = 0; i < n; i++) {
    const room = `room-${Math.floor(rnd() * 3)}`;
    const user = `user-${Math.floor(rnd() * 20)}`;
    const ts = start + i * 10 - Math.floor(rnd() * 250);
    const e: Event =
      rnd() < 0.5
        ? { id: i, type: 'gift', room, user, ts, coins: 1 + Math.floor(rnd() * 50) }
        : { id: i, type: 'like', room, user, ts, count: 1 + Math.floor(rnd() * 3) };
    out.push(e);
  }
  return out;
}

/** Records the job's Kafka source has read (its operator's counter, summed over subtasks). */
async function sourceRead(job: string, rest = flink.rest): Promise<number> {
  const v = (await rest.job(job)).vertices.find((x) => x.name.startsWith('Source: read['))!;
  const name = (await rest.vertexMetricNames(job, v.id)).find((n) => /^Source__read\[\d+\]\.numRecordsOut$/.test(n));
  if (!name) return 0;
  return (await rest.vertexMetrics(job, v.id, [name]))[name]?.sum ?? 0;
}

const canonical = (rows: Record<string, unknown>[]) =>
  rows.map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : 1))))).sort();

describe('the same pipeline in-process and on Flink', () => {
  it('gives the same window results and the same late records (out-of-order and late events included)', async () => {
    const input = 'diff-events';
    await createTopics(
      [input, 'flink-coins', 'flink-late', 'flink-likes', 'local-coins', 'local-late', 'local-likes'],
      2,
    );
    const start = 1_800_000_000_000;
    const events = roomEvents(3000, start); // 30 s of event time
    await produce(input, events);
    const outs = Object.fromEntries(
      ['flink-coins', 'flink-late', 'flink-likes', 'local-coins', 'local-late', 'local-likes'].map((t) => [
        t,
        collect(t),
      ]),
    );
    const deployment = await deployPipeline(
      resolve(roomPipeline('diff on flink', input, 'flink', 'diff-flink')),
      flink,
    );
    const local = await startFlow(roomPipeline('diff in-process', input, 'local', 'diff-local'));
    try {
      // Windows both engines have surely fired: those ending before the slowest partition's newest event minus the
      // delay. Each engine must have given every key of every such window.
      const maxTs = Math.max(...events.map((e) => e.ts));
      const cutoff = maxTs - 1000;
      const fired = (rows: Record<string, unknown>[]) => rows.filter((r) => (r.windowEnd as number) <= cutoff);
      const expectedCoinWindows = new Set(
        events.filter((e) => e.type === 'gift').map((e) => `${e.room}@${Math.floor(e.ts / 1000) * 1000}`),
      );
      const wanted = [...expectedCoinWindows].filter((k) => Number(k.split('@')[1]) + 1000 <= cutoff).length;
      await until(
        () =>
          fired(outs['flink-coins']!.values).length >= wanted && fired(outs['local-coins']!.values).length >= wanted,
        90_000,
        `${wanted} fired coin windows from both engines`,
      );

      // Late gifts: event times far behind both watermarks now, in windows long purged.
      const late: Event[] = [0, 1, 2, 3, 4].map((k) => ({
        id: 10_000 + k,
        type: 'gift',
        room: `room-${k % 3}`,
        user: 'late',
        ts: start + 1000 + k * 100,
        coins: 7,
      }));
      await produce(input, late);
      await until(
        () => outs['flink-late']!.values.length >= 5 && outs['local-late']!.values.length >= 5,
        60_000,
        'the late gifts on both late topics',
      );

      const flinkCoins = canonical(fired(outs['flink-coins']!.values));
      const localCoins = canonical(fired(outs['local-coins']!.values));
      expect(flinkCoins.length).toBe(wanted);
      expect(flinkCoins).toEqual(localCoins);
      // And both are right: the reference, computed here from the events.
      const reference = new Map<string, { coins: number; gifts: number; biggest: number }>();
      for (const e of events.filter((x) => x.type === 'gift')) {
        const ws = Math.floor(e.ts / 1000) * 1000;
        const k = `${e.room}@${ws}`;
        const r = reference.get(k) ?? { coins: 0, gifts: 0, biggest: -Infinity };
        reference.set(k, {
          coins: r.coins + 2 * e.coins!,
          gifts: r.gifts + 1,
          biggest: Math.max(r.biggest, 2 * e.coins!),
        });
      }
      for (const row of fired(outs['flink-coins']!.values)) {
        const ref = reference.get(`${row.key}@${row.windowStart}`)!;
        expect({ coins: row.coins, gifts: row.gifts, biggest: row.biggest, ts: row.ts }).toEqual({
          ...ref,
          ts: (row.windowStart as number) + 999,
        });
        expect(row.mean).toBeCloseTo(ref.coins / ref.gifts, 9);
      }
      const likes = (t: string) => canonical(fired(outs[t]!.values));
      expect(likes('flink-likes').length).toBeGreaterThan(20);
      expect(likes('flink-likes')).toEqual(likes('local-likes'));
      // The late gifts went to the late port in both, and into no window.
      const ids = (t: string) => outs[t]!.values.map((v) => v.user === 'late' && v.ts).sort();
      expect(ids('flink-late')).toEqual(late.map((e) => e.ts).sort());
      expect(ids('local-late')).toEqual(ids('flink-late'));
    } finally {
      await local.flow.stop();
      await flink.rest.cancel(deployment.jobId);
      await Promise.all(Object.values(outs).map((o) => o.stop()));
    }
  }, 240_000);
});

describe('deploying to Flink', () => {
  const small = (input: string, output: string, expression = "type = 'gift'") =>
    wired(
      'small',
      [
        { id: 'read', type: 'kafka-source', config: { topics: [input], group: `small-${input}`, schema: SCHEMA } },
        { id: 'gifts', type: 'filter', config: { expression } },
        { id: 'by-room', type: 'key-by', config: { key: 'room' } },
        { id: 'w', type: 'window', config: { sizeMs: 1000, aggregates: [{ op: 'sum', field: 'coins', as: 'coins' }] } },
        { id: 'out', type: 'kafka-sink', config: { topic: output } },
      ],
      ['read.out>gifts.in', 'gifts.out>by-room.in', 'by-room.out>w.in', 'w.out>out.in'],
    );

  it('refuses a pipeline that does not compile, naming node, field and construct, and deploys nothing', async () => {
    const before = (await flink.rest.jobs()).length;
    const err = await deployPipeline(resolve(small('nowhere', 'nowhere-out', '$sum(coins) > 3')), flink).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(FlinkCompileError);
    expect((err as FlinkCompileError).refusals).toEqual([
      {
        nodeId: 'gifts',
        field: 'expression',
        message: expect.stringMatching(/not compiled to Flink SQL: the function \$sum/),
      },
    ]);
    expect((await flink.rest.jobs()).length).toBe(before);
  });

  it('cancels a job that fails as it starts (its topic is missing) and says why, on the node', async () => {
    const err = await deployPipeline(resolve(small('no-such-topic', 'x-out')), flink).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlinkJobError);
    expect((err as FlinkJobError).nodeId).toBe('read');
    expect((err as Error).message).toMatch(
      /failed as it started at node "read", and was cancelled: .*no-such-topic.*UnknownTopicOrPartitionException/,
    );
    const jobs = await flink.rest.jobs();
    expect(jobs.filter((j) => j.state === 'RUNNING' || j.state === 'RESTARTING')).toEqual([]);
  });

  it('an unreachable JobManager is said as such', async () => {
    const closed = await new Promise<number>((done) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as AddressInfo).port;
        s.close(() => done(port));
      });
    });
    const rest = new FlinkRest(`http://127.0.0.1:${closed}`);
    const err = await deployPipeline(resolve(small('sp-events', 'sp-out')), { ...flink, name: 'gone', rest }).catch(
      (e: unknown) => e,
    );
    expect((err as Error).message).toMatch(
      new RegExp(`Flink at http://127\\.0\\.0\\.1:${closed}: listing jars: connection refused`),
    );
  });

  it('stop with a savepoint and start from it: a window half filled before the stop is completed after', async () => {
    await createTopics(['sp-events', 'sp-out'], 1);
    const out = collect('sp-out');
    const doc = resolve(small('sp-events', 'sp-out'));
    const first = await deployPipeline(doc, flink);
    const t0 = 1_900_000_000_000;
    const ev = (id: number, ts: number, coins: number): Event => ({
      id,
      type: 'gift',
      room: 'r',
      user: 'u',
      ts,
      coins,
    });
    await produce('sp-events', [ev(1, t0 + 100, 5), ev(2, t0 + 200, 6)]);
    // Written to the savepoint once the source has read them: wait for the job to have read both.
    await until(async () => (await sourceRead(first.jobId)) >= 2, 30_000, 'the job to read the first two gifts');
    const savepoint = await flink.rest.stopWithSavepoint(first.jobId);
    expect(savepoint).toMatch(/savepoint-/);
    const second = await deployPipeline(doc, flink, { fromSavepoint: savepoint });
    try {
      await produce('sp-events', [ev(3, t0 + 300, 7), ev(4, t0 + 5000, 1)]);
      await until(() => out.values.length >= 1, 30_000, 'the first window');
      expect(out.values[0]).toMatchObject({ key: 'r', windowStart: t0, coins: 18 });
      // The restored job read only the two new gifts (its offsets came from the savepoint): 5 and 6 were in the
      // window state it restored.
      await until(async () => (await sourceRead(second.jobId)) === 2, 10_000, 'the second job to have read two');
    } finally {
      await flink.rest.cancel(second.jobId);
      await out.stop();
    }
  }, 120_000);
});

describe('the archive on Flink, into a real HDFS', () => {
  it('a webhdfs:// target is written by the job over the NameNode’s RPC address, in partition folders, files made final at checkpoints', async () => {
    const hdfs = await JvmServer.start('hdfs');
    try {
      await createTopics(['arch-events'], 1);
      const target = hdfs.address.replace(/^http:/, 'webhdfs:').replace('/webhdfs/v1', '/flink-archive');
      const doc = resolve(
        wired(
          'archive on flink',
          [
            { id: 'read', type: 'kafka-source', config: { topics: ['arch-events'], group: 'arch', schema: SCHEMA } },
            { id: 'archive', type: 'archive', config: { target, path: '{yyyy}/{MM}', rollIntervalMs: 1000 } },
          ],
          ['read.out>archive.in'],
        ),
      );
      const deployment = await deployPipeline(doc, flink);
      expect(deployment.script.sql).toMatch(/'path' = 'hdfs:\/\/(127\.0\.0\.1|localhost):\d+\/flink-archive'/);
      const t0 = Date.UTC(2027, 2, 14, 12, 0, 0);
      const events: Event[] = Array.from({ length: 50 }, (_, i) => ({
        id: i,
        type: 'chat',
        room: 'r',
        user: `u${i}`,
        ts: t0 + i,
      }));
      await produce('arch-events', events);
      const web = (path: string, op: string) =>
        fetch(`${hdfs.address}${path}?op=${op}&user.name=${userInfo().username}`);
      const dir = '/flink-archive/yyyy=2027/MM=03';
      const finished = async () => {
        const r = await web(dir, 'LISTSTATUS');
        if (!r.ok) return [];
        const list = (await r.json()) as { FileStatuses: { FileStatus: { pathSuffix: string }[] } };
        return list.FileStatuses.FileStatus.map((f) => f.pathSuffix).filter((n) => !n.startsWith('.'));
      };
      try {
        await until(async () => (await finished()).length > 0, 60_000, 'a finished file in the archive');
        const lines: Record<string, unknown>[] = [];
        for (const f of await finished()) {
          const text = await (await web(`${dir}/${f}`, 'OPEN')).text();
          lines.push(
            ...text
              .split('\n')
              .filter(Boolean)
              .map((l) => JSON.parse(l)),
          );
        }
        expect(lines.map((l) => l.id).sort((a, b) => (a as number) - (b as number))).toEqual(events.map((e) => e.id));
        expect(lines[0]).toMatchObject({ type: 'chat', room: 'r' });
      } finally {
        await flink.rest.cancel(deployment.jobId);
      }
    } finally {
      await hdfs.stop();
    }
  }, 180_000);
});

describe('the CLI', () => {
  const BIN = join(ROOT, 'bin', 'sluice.js');
  // Not spawnSync: this process reads the servers' pipes, and must go on reading them while the CLI runs.
  const cli = (args: string[], env: NodeJS.ProcessEnv) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
      execFile(
        process.execPath,
        [BIN, ...args],
        { encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } },
        (err, stdout, stderr) => done({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  it('sluice schema writes a source’s schema from its topic; deploy prints the job id; jobs lists it; stop --savepoint; deploy --from-savepoint --metrics-port serves the job’s figures to Prometheus', async () => {
    await createTopics(['cli-events', 'cli-out'], 1);
    await produce('cli-events', roomEvents(20, 1_700_000_000_000));
    const dir = tempDir('flink-cli');
    const settings = join(dir, 'settings.json');
    writeFileSync(
      settings,
      JSON.stringify({
        kafka: { profiles: { dev: { brokers: kafka.cluster.brokers } } },
        flink: { profiles: { dev: { url: flink.rest.url, checkpointIntervalMs: 1000 } } },
      }),
    );
    const env = { SLUICE_SETTINGS: settings };
    const file = join(dir, 'gifts.json');
    const doc = wired(
      'cli',
      [
        { id: 'read', type: 'kafka-source', config: { profile: 'dev', topics: ['cli-events'], group: 'cli' } },
        { id: 'gifts', type: 'filter', config: { expression: "type = 'gift'" } },
        { id: 'out', type: 'kafka-sink', config: { profile: 'dev', topic: 'cli-out' } },
      ],
      ['read.out>gifts.in', 'gifts.out>out.in'],
    );
    writeFileSync(file, JSON.stringify(doc, null, 2));

    // Without a schema the deploy is refused at the node's place in the file, nothing deployed.
    const refused = await cli(['deploy', file, '--flink', 'dev'], env);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(
      /gifts\.json:\d+:\d+ \/nodes\/0\/config\/schema node "read": no schema: .*sluice schema <file> read/,
    );
    expect(refused.stderr).toMatch(/does not compile to a Flink job; nothing was deployed/);

    const schema = await cli(['schema', file, 'read'], env);
    expect(schema.status, schema.stderr).toBe(0);
    // The fields the room's events carry, as SCHEMA declares them by hand.
    expect(JSON.parse(readFileSync(file, 'utf8')).nodes[0].config.schema).toEqual(SCHEMA);

    const deployed = await cli(['deploy', file, '--flink', 'dev'], env);
    expect(deployed.status, deployed.stderr).toBe(0);
    const jobId = deployed.stdout.trim();
    expect(jobId).toMatch(/^[0-9a-f]{32}$/);
    const jobs = await cli(['jobs', '--flink', 'dev'], env);
    expect(jobs.stdout).toMatch(new RegExp(`^${jobId}  RUNNING .* sluice: cli$`, 'm'));
    const stopped = await cli(['stop', jobId, '--savepoint', '--flink', 'dev'], env);
    expect(stopped.status, stopped.stderr).toBe(0);
    const savepoint = stopped.stdout.trim();
    expect(savepoint).toMatch(/savepoint-/);
    // From the savepoint, attached and serving the job's figures to Prometheus until Ctrl+C, which leaves it running.
    const again = spawn(
      process.execPath,
      [BIN, 'deploy', file, '--flink', 'dev', '--from-savepoint', savepoint, '--metrics-port', '0'],
      { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    again.stdout.on('data', (d: Buffer) => (out += String(d)));
    again.stderr.on('data', (d: Buffer) => (err += String(d)));
    const exited = new Promise<number | null>((r) => again.once('exit', (code) => r(code)));
    await until(() => /^[0-9a-f]{32}$/m.test(out), 60_000, 'the job id');
    const secondJob = out.trim();
    const url = /Prometheus metrics: (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(err)?.[1];
    expect(url, err).toBeDefined();
    await produce('cli-events', roomEvents(10, 1_700_000_100_000));
    const metric = (text: string, name: string, labels: string) =>
      Number(new RegExp(`^${name}\\{[^}]*${labels}[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
    let text = '';
    await until(
      async () => {
        text = await (await fetch(url!)).text();
        return (
          metric(text, 'sluice_node_records_out_total', 'node="read"') >= 10 &&
          metric(text, 'sluice_flink_checkpoints_completed_total', `job="${secondJob}"`) >= 1
        );
      },
      60_000,
      'the new events read and a checkpoint completed, as Prometheus sees them',
    );
    expect(metric(text, 'sluice_flink_job_state', `job="${secondJob}",state="RUNNING"`)).toBe(1);
    expect(metric(text, 'sluice_flink_checkpoint_last_size_bytes', `job="${secondJob}"`)).toBeGreaterThan(0);
    // Read from the savepoint's offsets on: the 10 new events, not the 20 before the stop again.
    expect(metric(text, 'sluice_node_records_out_total', 'node="read"')).toBeLessThan(20);
    again.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(err).toMatch(new RegExp(`stopped watching; job ${secondJob} runs on`));
    expect((await flink.rest.job(secondJob)).state).toBe('RUNNING');
    await flink.rest.cancel(secondJob);
    // A profile that is not there, and a JobManager that does not answer.
    expect((await cli(['jobs', '--flink', 'nope'], env)).stderr).toMatch(/no Flink connection profile "nope"/);
  }, 180_000);

  /** This process's children and theirs, by pid (from /proc). */
  function descendants(pid: number): number[] {
    const children = (p: number): number[] => {
      try {
        return readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
      } catch {
        return [];
      }
    };
    const all: number[] = [];
    for (let next = children(pid); next.length; next = next.flatMap(children)) all.push(...next);
    return all;
  }
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  it('the demo deployed on the embedded Flink and Kafka stops on Ctrl+C (SIGINT to the whole process group): the in-process part and the job first, then the servers; the command ends and leaves no server behind', async () => {
    // Its own runtime folder: this command starts (and owns) its embedded Flink, not the one this test file runs.
    const runtime = tempDir('flink-ctrl-c');
    const cliProcess = spawn(
      process.execPath,
      [BIN, 'deploy', join(ROOT, 'resources', 'pipelines', 'live-room.json'), '--flink', 'local'],
      // Detached: its own process group, as a terminal's foreground command is.
      { env: { ...process.env, XDG_RUNTIME_DIR: runtime }, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    let out = '';
    let err = '';
    cliProcess.stdout.on('data', (d: Buffer) => (out += String(d)));
    cliProcess.stderr.on('data', (d: Buffer) => (err += String(d)));
    const exited = new Promise<number | null>((r) => cliProcess.once('exit', (code) => r(code)));
    try {
      await until(() => /Ctrl\+C stops the job and everything here/.test(err), 120_000, 'the demo deployed');
      const jobId = out.trim();
      const url = /profile "local" \((http:\/\/127\.0\.0\.1:\d+)\)/.exec(err)?.[1];
      expect(url, err).toBeDefined();
      const rest = new FlinkRest(url!);
      // The job reads the room's events that the in-process part writes to Kafka.
      await until(async () => (await sourceRead(jobId, rest)) > 0, 60_000, 'the job reading the room');
      const servers = descendants(cliProcess.pid!);
      expect(servers.length).toBeGreaterThanOrEqual(2);
      // Ctrl+C in a terminal: SIGINT to every process of the foreground group.
      process.kill(-cliProcess.pid!, 'SIGINT');
      const code = await Promise.race([
        exited,
        new Promise<string>((r) => setTimeout(() => r('still running 60 s after Ctrl+C'), 60_000)),
      ]);
      expect(code, err).toBe(0);
      expect(err).toMatch(new RegExp(`interrupted: job ${jobId} stopped; stopping the embedded Flink`));
      expect(err).not.toMatch(/cannot reach the brokers/);
      await until(() => !servers.some(alive), 30_000, `the servers ${servers.join(', ')} ended`);
    } finally {
      if (cliProcess.exitCode === null) process.kill(-cliProcess.pid!, 'SIGKILL');
    }
  }, 240_000);
});
