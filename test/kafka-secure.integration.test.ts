/**
 * Kafka against real brokers the way users run them: SCRAM-SHA-512 over TLS (a CA made here with openssl), an
 * idempotent producer (read back from the broker's own log segments), a broker killed outright and started again on
 * its data while a pipeline writes and reads, and what a user sees when a profile is wrong: a wrong password, a CA
 * that did not sign the broker, a broker nobody listens on.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JvmServer } from '../src/engine/connectors/jvm-server';
import { kafkaClient } from '../src/engine/connectors/kafka/client';
import { resolveProfile } from '../src/engine/connectors/kafka/profiles';
import { validateValue } from '../src/engine/validate/validate';
import { builtinRegistry } from '../src/engine/nodes/registry';
import { KraftCluster } from './kafka-cluster';
import { makeCa } from './tls-ca';
import { ROOT, startFlow, stays, tempDir, until, useSettings, wired, type WiredNode } from './helpers';

const doc = (nodes: WiredNode[], wires: string[]) => wired('secure', nodes, wires);

/** The records a file sink wrote, parsed. */
const lines = (path: string): { id: number }[] => {
  try {
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { id: number });
  } catch {
    return [];
  }
};

describe('a broker that asks for SCRAM-SHA-512 over TLS', () => {
  let broker: JvmServer;
  let dir: string;
  let restore: () => void;
  const secrets = {
    SLUICE_SECRET_SECURE: 's3cret',
    SLUICE_SECRET_WRONG_PASSWORD: 'guess',
    SLUICE_SECRET_OTHER_CA: 's3cret',
  };

  beforeAll(async () => {
    dir = tempDir('kafka-tls');
    const ca = makeCa(dir, 'sluice');
    const other = makeCa(dir, 'other');
    broker = await JvmServer.start('kafka', {
      data: join(dir, 'broker'),
      args: [
        '--security',
        'SASL_SSL',
        '--scram',
        `sluice=${secrets.SLUICE_SECRET_SECURE}`,
        '--set',
        'listener.name.client.ssl.keystore.type=PEM',
        '--set',
        `listener.name.client.ssl.keystore.location=${ca.serverKeystore}`,
      ],
    });
    const brokers = [broker.address];
    const sasl = { mechanism: 'scram-sha-512', username: 'sluice' };
    restore = useSettings({
      kafka: {
        profiles: {
          secure: { brokers, sasl, tls: { caFile: ca.cert } },
          'wrong-password': { brokers, sasl, tls: { caFile: ca.cert } },
          'other-ca': { brokers, sasl, tls: { caFile: other.cert } },
          'no-tls': { brokers },
          nowhere: { brokers: ['127.0.0.1:9'] },
        },
      },
    });
    Object.assign(process.env, secrets);
  }, 90_000);

  afterAll(async () => {
    restore();
    for (const k of Object.keys(secrets)) delete process.env[k];
    await broker?.stop();
  });

  it('a pipeline writes with an idempotent producer and another reads every record back; each batch in the broker’s log carries a producer id and the next sequence number', async () => {
    const N = 500;
    const write = await startFlow(
      doc(
        [
          { id: 'room', type: 'live-room', config: { rate: 5000, limit: N, jitterMs: 0 } },
          {
            id: 'out',
            type: 'kafka-sink',
            config: { profile: 'secure', topic: 'tls-chat', key: 'room', idempotent: true, batchSize: 50 },
          },
        ],
        ['room.out>out.in'],
      ),
    );
    await write.flow.done;
    expect(write.errors).toEqual([]);
    expect(write.ticks.at(-1)!.nodes.out!.recordsIn).toBe(N);

    const file = join(dir, 'read.jsonl');
    const read = await startFlow(
      doc(
        [
          { id: 'in', type: 'kafka-source', config: { profile: 'secure', topics: ['tls-chat'], group: 'tls-readers' } },
          { id: 'file', type: 'file', config: { path: file } },
        ],
        ['in.out>file.in'],
      ),
    );
    await until(() => lines(file).length >= N, 30_000, `${N} records read back over TLS`);
    await read.flow.stop();
    expect(new Set(lines(file).map((r) => r.id)).size).toBe(N);
    expect(read.errors).toEqual([]);

    // The broker's own tool reads the segment files: idempotent batches have a producer id (not -1) and sequence
    // numbers that follow on, batch after batch.
    const logs = join(dir, 'broker', 'logs');
    const segments = readdirSync(logs)
      .filter((d) => d.startsWith('tls-chat-'))
      .flatMap((d) =>
        readdirSync(join(logs, d))
          .filter((f) => f.endsWith('.log'))
          .map((f) => join(logs, d, f)),
      );
    const lib = join(ROOT, 'build', 'services', 'kafka');
    const dump = execFileSync(
      'java',
      ['-cp', `${lib}/launcher.jar:${lib}/lib/*`, 'kafka.tools.DumpLogSegments', '--files', segments.join(',')],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    const batches = [...dump.matchAll(/baseSequence: (-?\d+) lastSequence: (-?\d+) producerId: (-?\d+)/g)].map((m) => ({
      first: Number(m[1]),
      last: Number(m[2]),
      producer: Number(m[3]),
    }));
    expect(batches.length).toBeGreaterThan(0);
    expect(batches.every((b) => b.producer >= 0)).toBe(true);
    expect(batches.reduce((n, b) => n + b.last - b.first + 1, 0)).toBe(N);
  }, 60_000);

  it('a client that speaks neither TLS nor SASL is turned away, in words', async () => {
    await expect(
      kafkaClient(await resolveProfile('no-tls'), 'probe', { retries: 1 })
        .admin()
        .connect(),
    ).rejects.toThrow(/Closed connection/);
  });

  it('a wrong password, a CA that did not sign the broker, a broker nobody listens on: each node says why within 10 s, the rest of the run goes on, and nothing is acknowledged', async () => {
    // Records to read (written by a profile that works).
    const seed = await startFlow(
      doc(
        [
          { id: 'room', type: 'live-room', config: { rate: 5000, limit: 100, jitterMs: 0 } },
          { id: 'out', type: 'kafka-sink', config: { profile: 'secure', topic: 'tls-orders' } },
        ],
        ['room.out>out.in'],
      ),
    );
    await seed.flow.done;
    const file = join(dir, 'kept.jsonl');
    const sinks = { 'wrong-password': 'bad-pw', 'other-ca': 'bad-ca', nowhere: 'bad-addr' } as const;
    const { flow, errors, states, ticks } = await startFlow(
      doc(
        [
          {
            id: 'in',
            type: 'kafka-source',
            config: { profile: 'secure', topics: ['tls-orders'], group: 'tls-orders-copy', commitIntervalMs: 100 },
          },
          { id: 'file', type: 'file', config: { path: file } },
          { id: 'lost', type: 'kafka-source', config: { profile: 'nowhere', topics: ['tls-orders'], group: 'lost' } },
          { id: 'seen', type: 'debug', config: {} },
          ...Object.entries(sinks).map(([p, id]) => ({
            id,
            type: 'kafka-sink',
            config: { profile: p, topic: 'tls-copy' },
          })),
        ],
        ['in.out>file.in', 'lost.out>seen.in', ...Object.values(sinks).map((id) => `in.out>${id}.in`)],
      ),
    );
    const said = (id: string, what: RegExp) => errors.some((e) => e.nodeId === id && what.test(e.message));
    await until(() => said('bad-pw', /profile "wrong-password".*invalid credentials/), 10_000, 'the wrong password');
    await until(
      () => said('bad-ca', /profile "other-ca".*unable to verify the first certificate.*tls\.caFile/),
      10_000,
      'the CA mismatch',
    );
    await until(
      () => said('bad-addr', /profile "nowhere".*ECONNREFUSED 127\.0\.0\.1:9/),
      10_000,
      'the refused connection',
    );
    await until(
      () => said('lost', /profile "nowhere".*ECONNREFUSED 127\.0\.0\.1:9/),
      10_000,
      'the source’s refused connection',
    );
    expect(states).toContainEqual({ nodeId: 'lost', state: 'reconnecting' });
    expect(states).toContainEqual({ nodeId: 'bad-ca', state: 'reconnecting' });
    expect(states).toContainEqual({ nodeId: 'bad-addr', state: 'reconnecting' });
    // The run goes on: the source reads, the file gets every record; nothing is acknowledged, so nothing is committed.
    await until(() => lines(file).length >= 100, 10_000, 'the file sink to get every record');
    expect(flow.runners.get('in')!.state).toBe('running');
    const admin = kafkaClient(await resolveProfile('secure'), 'probe').admin();
    await admin.connect();
    const committed = async () =>
      (await admin.fetchOffsets({ groupId: 'tls-orders-copy', topics: ['tls-orders'] }))[0]!.partitions.some(
        (p) => Number(p.offset) > 0,
      );
    await stays(async () => !(await committed()), 1500, 'no offset committed');
    await admin.disconnect();
    expect(ticks.at(-1)!.nodes.in!.acknowledged).toBe(0);
    // And the run stops when asked, though two sinks never connected.
    await flow.stop();
  }, 60_000);

  it('an idempotent producer without acks: all is refused by validation, naming the field', () => {
    const d = doc(
      [
        { id: 'room', type: 'live-room', config: {} },
        { id: 'out', type: 'kafka-sink', config: { topic: 't', idempotent: true, acks: 'leader' } },
      ],
      ['room.out>out.in'],
    );
    expect(validateValue(d, builtinRegistry).issues).toContainEqual(
      expect.objectContaining({
        nodeId: 'out',
        pointer: '/nodes/1/config/acks',
        message: '"acks": an idempotent producer needs acks: all, not leader',
      }),
    );
  });
});

describe('a broker killed (SIGKILL) and started again on its data', () => {
  it('while a pipeline writes and another reads: every event arrives, duplicates counted', async () => {
    const one = await KraftCluster.start(1);
    const restore = useSettings({ kafka: { profiles: { single: { brokers: one.brokers } } } });
    const dir = tempDir('kafka-kill');
    const file = join(dir, 'read.jsonl');
    try {
      await one.createTopic('kill-seq', 2);
      const write = await startFlow(
        doc(
          [
            { id: 'room', type: 'live-room', config: { rate: 1000, jitterMs: 0 } },
            { id: 'out', type: 'kafka-sink', config: { profile: 'single', topic: 'kill-seq', key: 'room' } },
          ],
          ['room.out>out.in'],
        ),
      );
      const read = await startFlow(
        doc(
          [
            {
              id: 'in',
              type: 'kafka-source',
              config: { profile: 'single', topics: ['kill-seq'], group: 'kill-readers', commitIntervalMs: 200 },
            },
            { id: 'file', type: 'file', config: { path: file } },
          ],
          ['in.out>file.in'],
        ),
      );
      const written = () => write.ticks.at(-1)?.nodes.out?.recordsIn ?? 0;
      await until(() => lines(file).length >= 500, 30_000, 'the reader to get going');
      await one.down(1);
      await until(() => write.states.some((s) => s.nodeId === 'out' && s.state === 'reconnecting'), 10_000);
      await one.up(1);
      const after = written();
      await until(() => written() >= after + 1000, 60_000, '1000 more records written after the restart');
      await write.flow.stop();
      const N = write.ticks.at(-1)!.nodes.room!.recordsOut;
      await until(() => new Set(lines(file).map((r) => r.id)).size >= N, 60_000, `all ${N} events read`);
      await read.flow.stop();
      const ids = lines(file).map((r) => r.id);
      const missing = Array.from({ length: N }, (_, i) => i).filter((i) => !ids.includes(i));
      expect(missing).toEqual([]);
      console.log(`broker restart: ${ids.length} read for ${N} events (${ids.length - new Set(ids).size} duplicates)`);
    } finally {
      restore();
      await one.stop();
    }
  }, 180_000);
});
