/**
 * The local development cluster: librdkafka's mock cluster (a Kafka-protocol broker in memory), run by our small
 * helper `native/kafka-mock.c`, built at set-up into `build/kafka-mock`. Development and tests only: nothing is
 * persisted, no SASL/TLS, no CreateTopics API (topics auto-create, or `createTopic`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { findPackageRoot } from '../paths';

const ROOT = findPackageRoot(import.meta.dirname);
const BINARY = join(ROOT, 'build', 'kafka-mock');
const SOURCE = join(ROOT, 'native', 'kafka-mock.c');

/** The helper, built from source when it is missing and a C compiler with librdkafka's headers is here. */
export function mockBinary(): string {
  if (existsSync(BINARY)) return BINARY;
  // The packaged desktop app carries it among its resources (electron-builder.json).
  const packaged = (process as { resourcesPath?: string }).resourcesPath;
  if (packaged && existsSync(join(packaged, 'bin', 'kafka-mock'))) return join(packaged, 'bin', 'kafka-mock');
  mkdirSync(join(ROOT, 'build'), { recursive: true });
  const cc = spawnSync('cc', ['-O2', '-o', BINARY, SOURCE, '-lrdkafka'], { encoding: 'utf8' });
  if (cc.status !== 0 || !existsSync(BINARY)) {
    throw new Error(`the local Kafka cluster needs librdkafka's mock cluster, built at set-up: run scripts/setup.sh (Debian: apt install gcc librdkafka-dev)${cc.stderr ? ` — ${cc.stderr.trim().split('\n')[0]}` : ''}`);
  }
  return BINARY;
}

export class MockCluster {
  private answers: ((line: string) => void)[] = [];

  private constructor(
    private readonly child: ChildProcess,
    /** host:port of every broker, comma-separated. */
    readonly bootstrap: string,
    lines: AsyncIterable<string>,
  ) {
    void (async () => {
      for await (const line of lines) this.answers.shift()?.(line);
    })();
  }

  /** Start a cluster of `brokers` brokers on free local ports. */
  static async start(brokers = 1): Promise<MockCluster> {
    // stdin is ours: when this process ends, the helper reads end-of-file and exits with it.
    const child = spawn(mockBinary(), [String(brokers)], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const first = await Promise.race([
      lines.next(),
      new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`the local Kafka cluster exited (${code}) before it was ready`)))),
    ]);
    const m = /^bootstrap (\S+)$/.exec(first.value ?? '');
    if (!m) throw new Error(`the local Kafka cluster said "${first.value}" instead of its address`);
    return new MockCluster(child, m[1]!, { [Symbol.asyncIterator]: () => lines });
  }

  get brokers(): string[] {
    return this.bootstrap.split(',');
  }

  private command(line: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.answers.push((answer) => (answer === 'ok' ? resolve() : reject(new Error(`kafka-mock ${line}: ${answer.replace(/^error /, '')}`))));
      this.child.stdin!.write(`${line}\n`);
    });
  }

  /** Take broker `id` (1-based) down: its connections are refused until `up`. */
  down(id: number): Promise<void> {
    return this.command(`down ${id}`);
  }

  up(id: number): Promise<void> {
    return this.command(`up ${id}`);
  }

  createTopic(name: string, partitions: number): Promise<void> {
    if (!/^[\w.-]+$/.test(name)) return Promise.reject(new Error(`"${name}" is not a topic name`));
    return this.command(`topic ${name} ${partitions}`);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.stdin!.end();
    await exited;
  }
}
