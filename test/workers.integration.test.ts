/**
 * Scale-out: `sluice run --worker` processes started by the test as members of one consumer group on a real
 * Apache Kafka broker (one KRaft node started by the test) with a real redis-server as the workers' shared store. One of
 * three workers is SIGKILLed mid-run; the window results and Redis counters are compared with a single worker's run
 * over the same topic (the reference), duplicates counted.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';

import { join } from 'node:path';
import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaClient } from '../src/engine/connectors/kafka/client';
import { KafkaBroker } from '../src/engine/connectors/kafka/local';
import { localRedis, type LocalRedis } from '../src/engine/connectors/redis/local';
import { readWorkerReports } from '../src/engine/workers/checkpoints';
import { stickyAssignment } from '../src/engine/connectors/kafka/sticky';
import type { PipelineDocument } from '../src/shared/document';
import type { WorkerReport } from '../src/shared/workers';
import { ROOT, wired, tempDir, until } from './helpers';

let cluster: KafkaBroker;
let server: LocalRedis;
let redis: Redis;
let dir: string;
const PARTITIONS = 6;
const N = 24_000;
const RATE = 2_000;

beforeAll(async () => {
  cluster = await KafkaBroker.start();
  server = await localRedis();
  redis = new Redis(server.url);
  dir = tempDir('workers');
  writeFileSync(
    join(dir, 'settings.json'),
    JSON.stringify({
      kafka: { profiles: { shared: { brokers: cluster.brokers } } },
      redis: { profiles: { shared: { url: server.url } } },
    }),
  );
  await cluster.createTopic('room-events', PARTITIONS);
});
afterAll(async () => {
  redis.disconnect();
  await server.stop();
  await cluster.stop();
});

const admin = async () => {
  const a = kafkaClient({ name: 'shared', local: false, brokers: cluster.brokers, clientId: 'test' }).admin();
  await a.connect();
  return a;
};

/** Records the group has committed, and the topic's records, summed over partitions. */
async function progress(group: string): Promise<{ committed: number; end: number }> {
  const a = await admin();
  try {
    const [t] = await a.fetchOffsets({ groupId: group, topics: ['room-events'] });
    const ends = await a.fetchTopicOffsets('room-events');
    return {
      committed: t!.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0),
      end: ends.reduce((n, p) => n + Number(p.high), 0),
    };
  } finally {
    await a.disconnect();
  }
}

/**
 * The live room: events keyed by room into `room-events` (the ingest part), read by the group and counted — gifts
 * summed per room in 1-second tumbling windows with the top gifters, likes per room over a sliding 5 s, both to
 * Kafka topics, and likes counted per room in Redis (the worker part). `group` names the group, the output topics
 * and the Redis keys, so two runs of it can be compared.
 */
function pipeline(group: string): string {
  const doc: PipelineDocument = wired(
    'room-workers',
    [
      {
        id: 'room',
        type: 'live-room',
        config: {
          seed: 11,
          limit: N,
          rooms: 12,
          users: 400,
          rate: RATE,
          paced: true,
          jitterMs: 800,
          startTime: 1_800_000_000_000,
          mix: { chat: 20, like: 40, gift: 40 },
        },
      },
      { id: 'events', type: 'kafka-sink', config: { profile: 'shared', topic: 'room-events', key: 'room' } },
      {
        id: 'read',
        type: 'kafka-source',
        config: {
          profile: 'shared',
          topics: ['room-events'],
          group,
          start: 'earliest',
          sessionTimeoutMs: 6000,
          commitIntervalMs: 200,
        },
      },
      { id: 'gifts', type: 'filter', config: { expression: "type = 'gift'" } },
      { id: 'coins', type: 'map', config: { expression: '{"room": room, "user": user, "ts": ts, "coins": coins}' } },
      { id: 'by-room', type: 'key-by', config: { key: 'room' } },
      {
        id: 'coins-per-second',
        type: 'window',
        config: {
          scope: 'partition',
          sizeMs: 1000,
          watermarkDelayMs: 500,
          aggregates: [
            { op: 'sum', field: 'coins', as: 'coins' },
            { op: 'count', as: 'gifts' },
            { op: 'top', field: 'coins', by: 'user', n: 3, as: 'top' },
          ],
        },
      },
      { id: 'coins-out', type: 'kafka-sink', config: { profile: 'shared', topic: `${group}-coins` } },
      { id: 'likes', type: 'filter', config: { expression: "type = 'like'" } },
      { id: 'likes-by-room', type: 'key-by', config: { key: 'room' } },
      {
        id: 'likes-5s',
        type: 'window',
        config: {
          scope: 'partition',
          kind: 'sliding',
          sizeMs: 5000,
          slideMs: 1000,
          watermarkDelayMs: 500,
          aggregates: [{ op: 'sum', field: 'count', as: 'likes' }],
        },
      },
      { id: 'likes-out', type: 'kafka-sink', config: { profile: 'shared', topic: `${group}-likes` } },
      {
        id: 'like-counter',
        type: 'redis',
        config: { profile: 'shared', mode: 'counter', key: `"${group}:likes:" & room` },
      },
    ],
    [
      'room.out>events.in',
      'read.out>gifts.in',
      'gifts.out>coins.in',
      'coins.out>by-room.in',
      'by-room.out>coins-per-second.in',
      'coins-per-second.out>coins-out.in',
      'read.out>likes.in',
      'likes.out>likes-by-room.in',
      'likes-by-room.out>likes-5s.in',
      'likes-5s.out>likes-out.in',
      'likes.out>like-counter.in',
    ],
  );
  const file = join(dir, `${group}.json`);
  writeFileSync(file, JSON.stringify(doc, null, 2));
  return file;
}

const children: ChildProcess[] = [];
function sluice(args: string[], log: string): ChildProcess {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'sluice.js'), 'run', ...args], {
    env: { ...process.env, SLUICE_SETTINGS: join(dir, 'settings.json') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = createWriteStream(join(dir, log));
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  children.push(child);
  return child;
}
const exited = (c: ChildProcess): Promise<number | null> =>
  c.exitCode !== null || c.signalCode !== null
    ? Promise.resolve(c.exitCode)
    : new Promise((r) => c.once('exit', (code) => r(code)));
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** A topic's window results, as kcat reads them, by window: key@start → each result's JSON (all its copies). */
function results(topic: string): Map<string, string[]> {
  const r = spawnSync('kcat', ['-b', cluster.bootstrap, '-C', '-t', topic, '-e', '-q', '-f', '%s\n'], {
    encoding: 'utf8',
    timeout: 30_000,
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`kcat: ${r.stderr}`);
  const by = new Map<string, string[]>();
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    const rec = JSON.parse(line) as { key: string; windowStart: number };
    const k = `${rec.key}@${rec.windowStart}`;
    by.set(k, [...(by.get(k) ?? []), line]);
  }
  return by;
}

/** Every copy equals the first; the results by window, and how many copies beyond one there were. */
function deduplicated(all: Map<string, string[]>): { results: Map<string, string>; duplicates: number } {
  let duplicates = 0;
  const out = new Map<string, string>();
  for (const [k, copies] of all) {
    for (const c of copies) expect(c, `the copies of window ${k} agree`).toBe(copies[0]);
    duplicates += copies.length - 1;
    out.set(k, copies[0]!);
  }
  return { results: out, duplicates };
}

async function likeCounters(group: string): Promise<Map<string, number>> {
  const keys = await redis.keys(`${group}:likes:*`);
  return new Map(
    await Promise.all(
      keys.map(async (k) => [k.slice(group.length + 1), Number(await redis.get(k))] as [string, number]),
    ),
  );
}

describe('workers of one consumer group', () => {
  it('three workers share the partitions; one is SIGKILLed mid-run; window results and Redis counters equal one worker’s, duplicates counted', async () => {
    const scaled = pipeline('scaled');
    // Three workers join (each join is a rebalance), then the room goes live.
    const workers = [1, 2, 3].map((i) => sluice(['--worker', scaled], `worker-${i}.log`));
    const alive = () => {
      const dead = workers.findIndex((w) => w.exitCode !== null);
      if (dead >= 0)
        throw new Error(`worker ${dead + 1} exited: ${readFileSync(join(dir, `worker-${dead + 1}.log`), 'utf8')}`);
    };
    await until(
      async () => {
        alive();
        const reports = await readWorkerReports(redis, 'scaled');
        return reports.length === 3 && reports.reduce((n, w) => n + w.partitions.length, 0) === PARTITIONS;
      },
      60_000,
      'three workers holding the six partitions',
    );
    const before = await readWorkerReports(redis, 'scaled');
    expect(before.map((w) => w.partitions.length).sort()).toEqual([2, 2, 2]);
    const ingest = sluice(['--ingest', scaled], 'ingest.log');
    // How far the group's commits trail the topic's end while the room is live (what a kill can make read twice).
    const trail: number[] = [];
    const sampling = setInterval(() => void progress('scaled').then((p) => trail.push(p.end - p.committed)), 250);

    // Mid-run (a third of the room's events committed), the second worker is killed outright.
    await until(async () => (await progress('scaled')).committed >= N / 3, 60_000, 'a third of the events committed');
    const victim = workers[1]!;
    const victimReport = (await readWorkerReports(redis, 'scaled')).find((w) => w.pid === victim.pid) as WorkerReport;
    expect(victimReport.partitions.length).toBeGreaterThan(0);
    victim.kill('SIGKILL');
    await exited(victim);
    const trailBefore = Math.max(...trail);

    // The two left take its partitions over (once its session has timed out) and catch up.
    expect(await exited(ingest)).toBe(0);
    clearInterval(sampling);
    await until(
      async () => {
        const p = await progress('scaled');
        return p.end === N && p.committed === N;
      },
      90_000,
      'every event committed by the group',
    );
    // What the studio shows of the group: the two left, holding every partition between them, caught up.
    let after: WorkerReport[] = [];
    await until(
      async () => {
        after = (await readWorkerReports(redis, 'scaled')).filter((w) => w.pid !== victim.pid);
        const held = after.flatMap((w) => w.partitions.map((p) => p.partition));
        // The reports are written every few seconds: wait for the one after the rebalance.
        return held.length === PARTITIONS && after.every((w) => w.partitions.every((p) => p.lag === 0));
      },
      20_000,
      `the two left holding every partition, no lag in the reports: ${JSON.stringify(after)}`,
    );
    expect(after).toHaveLength(2);
    expect(after.flatMap((w) => w.partitions.map((p) => p.partition)).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    // SIGTERM: stop fetching, drain, save the open windows, commit, leave (the report goes).
    for (const w of [workers[0]!, workers[2]!]) w.kill('SIGTERM');
    expect(await Promise.all([exited(workers[0]!), exited(workers[2]!)])).toEqual([0, 0]);
    expect((await readWorkerReports(redis, 'scaled')).filter((w) => w.pid !== victim.pid)).toEqual([]);

    // The reference: one worker, alone in its group, over the same topic.
    const reference = sluice(['--worker', pipeline('reference')], 'reference.log');
    await until(
      async () => (await progress('reference')).committed === N,
      60_000,
      'the reference worker to commit every event',
    );
    reference.kill('SIGTERM');
    expect(await exited(reference)).toBe(0);

    for (const w of ['coins', 'likes']) {
      const ref = deduplicated(results(`reference-${w}`));
      const got = deduplicated(results(`scaled-${w}`));
      expect(ref.duplicates).toBe(0);
      expect(ref.results.size).toBeGreaterThan(100);
      expect(got.results).toEqual(ref.results);
      console.log(
        `${w} windows: ${ref.results.size} results, the same in both runs; ${got.duplicates} sent twice by the three workers (a killed worker's windows fired again by their new owner)`,
      );
    }
    // Open windows at the end: the state each partition's last owner saved is the reference's.
    for (let p = 0; p < PARTITIONS; p++) {
      for (const node of ['coins-per-second', 'likes-5s']) {
        const [a, b] = await Promise.all([
          redis.hget(`sluice:state:scaled:${node}:room-events:${p}`, 'state'),
          redis.hget(`sluice:state:reference:${node}:room-events:${p}`, 'state'),
        ]);
        expect(a, `${node} partition ${p}`).toBe(b);
      }
    }
    // Counters are at least once: a like read again after the kill is counted again — by at most a commit interval's worth.
    const ref = await likeCounters('reference');
    const got = await likeCounters('scaled');
    expect([...got.keys()].sort()).toEqual([...ref.keys()].sort());
    let extra = 0;
    for (const [room, n] of ref) {
      expect(got.get(room)!).toBeGreaterThanOrEqual(n);
      extra += got.get(room)! - n;
    }
    const likesPerSecond = RATE * 0.4;
    const killedShare = victimReport.partitions.length / PARTITIONS;
    // Read twice: what the killed worker had not committed — at most what the group's commits trailed the live end
    // by (the survivors keep their partitions through the rebalance: the assigner is sticky, and a member skips what
    // it already has in flight when kafkajs rewinds it to its last commit).
    const bound = 0.4 * trailBefore;
    console.log(
      `like counters: ${[...ref.values()].reduce((a, b) => a + b, 0)} likes; ${extra} counted twice (the killed worker held ${victimReport.partitions.length} of ${PARTITIONS} partitions, about ${Math.round(likesPerSecond * killedShare)} likes a second; before the kill the group's commits trailed the topic's end by ${trailBefore} events at most: bound ${bound} likes)`,
    );
    expect(extra).toBeLessThanOrEqual(bound);
    const log = readFileSync(join(dir, 'worker-1.log'), 'utf8');
    expect(log).toMatch(
      /worker: \d+ node\(s\) of "room-workers" as a member of consumer group\(s\) "scaled"; state in Redis profile "shared"/,
    );
  }, 240_000);
});

describe('the sticky assigner', () => {
  const six = [0, 1, 2, 3, 4, 5].map((partition) => ({ topic: 't', partition }));
  const member = (memberId: string, owned: number[]) => ({
    memberId,
    topics: ['t'],
    owned: (owned.length ? { t: owned } : {}) as Record<string, number[]>,
  });
  it('splits evenly when nobody holds anything', () => {
    expect([...stickyAssignment([member('a', []), member('b', []), member('c', [])], six).values()]).toEqual([
      { t: [0, 3] },
      { t: [1, 4] },
      { t: [2, 5] },
    ]);
  });
  it('when a member dies only its partitions move, and evenly', () => {
    const after = stickyAssignment([member('a', [0, 3]), member('c', [2, 5])], six);
    expect(after.get('a')!.t).toEqual(expect.arrayContaining([0, 3]));
    expect(after.get('c')!.t).toEqual(expect.arrayContaining([2, 5]));
    expect([...after.get('a')!.t!, ...after.get('c')!.t!].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(after.get('a')!.t!.length).toBe(3);
  });
  it('a member joining takes its share from those holding more, the rest stay', () => {
    const after = stickyAssignment([member('a', [0, 1, 2]), member('b', [3, 4, 5]), member('c', [])], six);
    expect(after.get('a')!.t).toEqual([0, 1]);
    expect(after.get('b')!.t).toEqual([3, 4]);
    expect(after.get('c')!.t).toEqual([2, 5]);
  });
  it('two members claiming one partition (a stale member): the first keeps it; partitions gone are dropped', () => {
    const after = stickyAssignment(
      [member('a', [0, 1, 9]), member('b', [1, 2])],
      [0, 1, 2, 3].map((partition) => ({ topic: 't', partition })),
    );
    expect(after.get('a')!.t).toEqual([0, 1]);
    expect(after.get('b')!.t).toEqual([2, 3]);
  });
});

describe('what keeps a pipeline from running as workers', () => {
  const run = (doc: PipelineDocument, ...args: string[]) => {
    const file = join(dir, `${doc.name}.json`);
    writeFileSync(file, JSON.stringify(doc, null, 2));
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'sluice.js'), 'run', ...args, file], {
      env: { ...process.env, SLUICE_SETTINGS: join(dir, 'settings.json') },
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { code: r.status, err: r.stderr, out: r.stdout, file };
  };

  it('the embedded cluster and redis-server, a window over all partitions: refused, each naming the file, line, node and field', () => {
    const doc = wired(
      'local-only',
      [
        { id: 'read', type: 'kafka-source', config: { topics: ['t'] } },
        { id: 'w', type: 'window', config: { scope: 'all' } },
        { id: 'count', type: 'redis', config: { mode: 'counter', key: '"n"' } },
      ],
      ['read.out>w.in', 'w.out>count.in'],
    );
    const r = run(doc, '--worker');
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${r.file}:`);
    expect(r.err).toMatch(
      /:\d+:\d+ \/nodes\/0\/config\/profile node "read": profile "local" is the development cluster embedded in one Sluice process/,
    );
    expect(r.err).toMatch(/\/nodes\/1\/config\/scope node "w": scope "all" keeps one set of windows/);
    expect(r.err).toMatch(
      /\/nodes\/2\/config\/profile node "count": profile "local" is a redis-server embedded in one Sluice process/,
    );
    expect(r.err).toMatch(/cannot run as a worker \(3 problem\(s\)\)/);
  });

  it('no Kafka source, no state store named, a state store away: said in words, exit 1', () => {
    const noSource = run(
      wired(
        'no-source',
        [
          { id: 'room', type: 'live-room', config: { limit: 10 } },
          { id: 'out', type: 'debug' },
        ],
        ['room.out>out.in'],
      ),
      '--worker',
    );
    expect(noSource.code).toBe(1);
    expect(noSource.err).toMatch(/there is no Kafka source: workers share the partitions of a Kafka consumer group/);
    const source = (group: string) =>
      wired(
        group,
        [
          { id: 'read', type: 'kafka-source', config: { profile: 'shared', topics: ['room-events'], group } },
          { id: 'out', type: 'debug' },
        ],
        ['read.out>out.in'],
      );
    const noState = run(source('no-state'), '--worker');
    expect(noState.code).toBe(1);
    expect(noState.err).toMatch(/--state: name the Redis profile that keeps the workers' state/);
    const unknown = run(source('unknown-state'), '--worker', '--state', 'nowhere');
    expect(unknown.err).toMatch(/--state: no Redis connection profile "nowhere"/);
    writeFileSync(
      join(dir, 'settings.json'),
      JSON.stringify({
        ...JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')),
        redis: { profiles: { shared: { url: server.url }, away: { url: 'redis://127.0.0.1:1' } } },
      }),
    );
    const away = run(source('state-away'), '--worker', '--state', 'away');
    expect(away.code).toBe(1);
    expect(away.err).toMatch(
      /--state: could not connect to Redis profile "away" \(redis:\/\/127\.0\.0\.1:1\): connect ECONNREFUSED/,
    );
    const ingestLocal = run(
      wired(
        'ingest-local',
        [
          { id: 'room', type: 'live-room', config: { limit: 10 } },
          { id: 'events', type: 'kafka-sink', config: { topic: 't' } },
          { id: 'read', type: 'kafka-source', config: { profile: 'shared', topics: ['t'] } },
          { id: 'out', type: 'debug' },
        ],
        ['room.out>events.in', 'read.out>out.in'],
      ),
      '--ingest',
    );
    expect(ingestLocal.code).toBe(1);
    expect(ingestLocal.err).toMatch(
      /:\d+:\d+ \/nodes\/1\/config\/profile node "events": profile "local" is the development cluster embedded in this one process: the workers could not read what it writes/,
    );
    const both = run(source('both'), '--worker', '--ingest');
    expect(both.err).toMatch(/--worker and --ingest are the two parts of a pipeline: give one of them/);
  });
});

describe('the workers’ state store in Redis', () => {
  it('a claim fences the one before it: its saves are refused, the new owner’s go through, and a claim returns what was saved', async () => {
    const { RedisCheckpointStore } = await import('../src/engine/workers/checkpoints');
    const store = new RedisCheckpointStore(redis);
    const key = { group: 'fence', node: 'w', topic: 't', partition: 3 };
    const first = await store.claim(key);
    expect(first.saved).toBeUndefined();
    expect(await store.save([{ key, token: first.token, snapshot: { upTo: 10, state: { a: 1 } } }])).toEqual([]);
    // Another worker takes the partition over (a rebalance the first one missed).
    const second = await store.claim(key);
    expect(second.token).toBeGreaterThan(first.token);
    expect(second.saved).toEqual({ upTo: 10, state: { a: 1 } });
    // The first one's late save is refused; the state stays the new owner's.
    expect(await store.save([{ key, token: first.token, snapshot: { upTo: 12, state: { a: 'stale' } } }])).toEqual([
      key,
    ]);
    expect(await store.save([{ key, token: second.token, snapshot: { upTo: 15, state: { a: 2 } } }])).toEqual([]);
    expect((await store.claim(key)).saved).toEqual({ upTo: 15, state: { a: 2 } });
  });

  it('once the run is stopping, a store that cannot be reached fails at once instead of waiting for it to come back', async () => {
    const { RedisCheckpointStore } = await import('../src/engine/workers/checkpoints');
    // A Redis that is away: nothing listens on the port; ioredis keeps reconnecting and queues commands meanwhile.
    const away = new Redis({ port: 1, host: '127.0.0.1', retryStrategy: () => 200, maxRetriesPerRequest: null });
    away.on('error', () => undefined);
    try {
      const store = new RedisCheckpointStore(away);
      const key = { group: 'away', node: 'w', topic: 't', partition: 0 };
      const entries = [{ key, token: 1, snapshot: { upTo: 3, state: {} } }];
      // Stopping already: refused at once.
      const stopped = AbortSignal.abort();
      await expect(store.save(entries, stopped)).rejects.toThrow(/Redis is away \(\w+\) and the run is stopping/);
      await expect(store.claim(key, stopped)).rejects.toThrow(/Redis is away/);
      // Waiting for Redis when the stop comes: given up then.
      const run = new AbortController();
      const saving = store.save(entries, run.signal);
      run.abort();
      await expect(saving).rejects.toThrow(/Redis is away/);
    } finally {
      away.disconnect();
    }
  });
});
