/**
 * The embedded `local` Kafka profile's cluster: a real Apache Kafka broker (one KRaft node, from the Maven artifacts
 * set-up fetched; see ../jvm-server.ts), started on first use and stopped with this process — development only.
 * Where it cannot run (no Java, not set up) the local profile falls back to librdkafka's mock cluster (mock.ts) and
 * says so: `localKafkaNote()` is what the studio and the CLI show. `SLUICE_LOCAL_KAFKA=mock` chooses the mock.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { JvmServer, jvmServerMissing } from '../jvm-server';
import { findPackageRoot } from '../../support/paths';
import { Kafka, logLevel } from 'kafkajs';
import { MockCluster } from './mock';

/** What the tests and the local profile need of a development cluster, real or mock. */
export interface DevCluster {
  readonly kind: 'broker' | 'mock';
  /** host:port of every broker, comma-separated. */
  readonly bootstrap: string;
  readonly brokers: string[];
  createTopic(name: string, partitions: number): Promise<void>;
  stop(): Promise<void>;
}

/** The Apache Kafka version set-up fetched (from the broker's jar name), e.g. "4.1.1". */
export function brokerVersion(): string | undefined {
  try {
    const lib = join(findPackageRoot(import.meta.dirname), 'build', 'services', 'kafka', 'lib');
    for (const f of readdirSync(lib)) {
      const m = /^kafka_2\.13-(.+)\.jar$/.exec(f);
      if (m) return m[1];
    }
  } catch {
    // not set up
  }
  return undefined;
}

/** One real Apache Kafka node (KRaft: broker and controller) on a free loopback port. */
export class KafkaBroker implements DevCluster {
  readonly kind = 'broker';

  private constructor(readonly server: JvmServer) {}

  /** Start a node; `args` are launcher options (`--security SASL_SSL`, `--scram user=pw`, `--set k=v`…). */
  static async start(options: { data?: string; args?: string[]; heap?: string } = {}): Promise<KafkaBroker> {
    return new KafkaBroker(await JvmServer.start('kafka', options));
  }

  get bootstrap(): string {
    return this.server.address;
  }

  get brokers(): string[] {
    return [this.server.address];
  }

  /** Create a topic through the broker's CreateTopics API (a topic that exists already is left as it is). */
  async createTopic(name: string, partitions: number): Promise<void> {
    const admin = new Kafka({ clientId: 'sluice-admin', brokers: this.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: name, numPartitions: partitions }], waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  /** End the broker as a crash would (SIGKILL). */
  kill(): Promise<void> {
    return this.server.kill();
  }
}

/** Why the local profile runs on the mock cluster, or undefined when it runs on the real broker. */
export function mockReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.SLUICE_LOCAL_KAFKA === 'mock') return 'SLUICE_LOCAL_KAFKA=mock chose it';
  return jvmServerMissing('kafka');
}

/** The local profile in words: what runs it, and why when it is the fallback. */
export function localKafkaNote(env: NodeJS.ProcessEnv = process.env): string {
  const why = mockReason(env);
  if (why)
    return `librdkafka's mock cluster, in memory (${why}); no consumer-group listing, time index, SASL, TLS or transactions`;
  return `Apache Kafka ${brokerVersion() ?? ''} (one KRaft node Sluice starts itself; its data is removed when Sluice stops)`.replace(
    '  ',
    ' ',
  );
}

let local: Promise<DevCluster> | undefined;

/** The embedded development cluster, started once per process on first use. */
export function localCluster(): Promise<DevCluster> {
  // The fallback is said where it starts (the CLI's stderr, the app's log), as the studio shows it on the profile.
  if (!local && mockReason()) process.stderr.write(`sluice: the local Kafka profile runs on ${localKafkaNote()}\n`);
  return (local ??= (mockReason() ? MockCluster.start(1) : KafkaBroker.start()).catch((err: unknown) => {
    local = undefined;
    throw err;
  }));
}
