/**
 * A real Apache Kafka cluster of several KRaft nodes (each a broker and a controller, each a JVM of its own) for the
 * tests that need brokers to go away: a node is killed outright (SIGKILL) and started again on its own data folder
 * and ports, as a crashed broker would be restarted.
 */
import { createServer } from 'node:net';
import { join } from 'node:path';
import { JvmServer } from '../src/engine/connectors/jvm-server';
import { kafkaClient } from '../src/engine/connectors/kafka/client';
import { tempDir } from './helpers';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Node {
  id: number;
  ports: [number, number, number];
  data: string;
  server?: JvmServer;
}

export class KraftCluster {
  private constructor(
    private readonly nodes: Node[],
    private readonly args: string[],
  ) {}

  /** `size` nodes on free loopback ports, each with a bounded heap. */
  static async start(size = 3, args: string[] = []): Promise<KraftCluster> {
    const dir = tempDir('kraft');
    const nodes: Node[] = [];
    for (let id = 1; id <= size; id++)
      nodes.push({ id, ports: [await freePort(), await freePort(), await freePort()], data: join(dir, `node-${id}`) });
    const cluster = new KraftCluster(nodes, args);
    await Promise.all(nodes.map((n) => cluster.up(n.id)));
    return cluster;
  }

  private node(id: number): Node {
    const n = this.nodes.find((x) => x.id === id);
    if (!n) throw new Error(`no node ${id} in this cluster`);
    return n;
  }

  get brokers(): string[] {
    return this.nodes.map((n) => `127.0.0.1:${n.ports[0]}`);
  }

  get bootstrap(): string {
    return this.brokers.join(',');
  }

  /** Kill node `id` outright (SIGKILL): a crash, nothing flushed. */
  async down(id: number): Promise<void> {
    const n = this.node(id);
    await n.server?.kill();
    n.server = undefined;
  }

  /** Start node `id` (again) on its data folder and ports; resolves once it answers. */
  async up(id: number): Promise<void> {
    const n = this.node(id);
    if (n.server) return;
    const voters = this.nodes.map((x) => `${x.id}@127.0.0.1:${x.ports[2]}`).join(',');
    n.server = await JvmServer.start('kafka', {
      data: n.data,
      heap: '192m',
      args: ['--node-id', String(id), '--ports', n.ports.join(','), '--voters', voters, ...this.args],
    });
  }

  async createTopic(name: string, partitions: number, replicationFactor = this.nodes.length): Promise<void> {
    const admin = kafkaClient({ name: 'kraft', local: false, brokers: this.brokers, clientId: 'test' }).admin();
    await admin.connect();
    try {
      await admin.createTopics({
        topics: [{ topic: name, numPartitions: partitions, replicationFactor }],
        waitForLeaders: true,
      });
    } finally {
      await admin.disconnect();
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.server?.stop()));
    for (const n of this.nodes) n.server = undefined;
  }
}
