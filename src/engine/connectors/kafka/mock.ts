/**
 * The fallback development cluster, and the tests' cluster for faults a real broker cannot show on demand:
 * librdkafka's mock cluster (a Kafka-protocol broker in memory), run by our small
 * helper `native/kafka-mock.c`, built at set-up into `build/kafka-mock`. Development and tests only: nothing is
 * persisted, no SASL/TLS, no CreateTopics API (topics auto-create, or `createTopic`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { findPackageRoot } from '../../support/paths';

const ROOT = findPackageRoot(import.meta.dirname);
const BINARY = join(ROOT, 'build', 'kafka-mock');
const SOURCE = join(ROOT, 'native', 'kafka-mock.c');

/** The helper, built from source when it is missing and a C compiler with librdkafka's headers is here. */
export function mockBinary(): string {
  const built = existsSync(BINARY);
  if (built && (!existsSync(SOURCE) || statSync(SOURCE).mtimeMs <= statSync(BINARY).mtimeMs)) return BINARY;
  // The packaged desktop app carries it among its resources (electron-builder.json).
  const packaged = (process as { resourcesPath?: string }).resourcesPath;
  if (packaged && existsSync(join(packaged, 'bin', 'kafka-mock'))) return join(packaged, 'bin', 'kafka-mock');
  // Missing, or older than its source: built (into a file of its own, then renamed, as test workers may race).
  mkdirSync(join(ROOT, 'build'), { recursive: true });
  const temp = `${BINARY}.${process.pid}`;
  const cc = spawnSync('cc', ['-O2', '-o', temp, SOURCE, '-lrdkafka'], { encoding: 'utf8' });
  if (cc.status === 0 && existsSync(temp)) renameSync(temp, BINARY);
  else if (!built) {
    throw new Error(
      `the local Kafka cluster needs librdkafka's mock cluster, built at set-up: run scripts/setup.sh (Debian: apt install gcc librdkafka-dev)${cc.stderr ? ` — ${cc.stderr.trim().split('\n')[0]}` : ''}`,
    );
  }
  return BINARY;
}

export class MockCluster {
  readonly kind = 'mock';

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
      new Promise<never>((_, reject) =>
        child.once('exit', (code) => reject(new Error(`the local Kafka cluster exited (${code}) before it was ready`))),
      ),
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
      this.answers.push((answer) =>
        answer === 'ok' ? resolve() : reject(new Error(`kafka-mock ${line}: ${answer.replace(/^error /, '')}`)),
      );
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

  /** Answer the next `count` requests of a Kafka API (by its key: 14 is SyncGroup) with `error` (a Kafka error code). */
  failRequests(apiKey: number, error: number, count = 1): Promise<void> {
    return this.command(`fail ${apiKey} ${error} ${count}`);
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
