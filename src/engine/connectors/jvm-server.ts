/**
 * The real servers Sluice runs for development and tests — Apache Kafka (one KRaft node) and Hadoop's MiniDFSCluster
 * (HDFS with WebHDFS) — started through `scripts/services.sh` from the Maven artifacts set-up fetched into
 * `build/services`. A server listens on free 127.0.0.1 ports and prints one line with its address when it answers a
 * real request; it reads our pipe on standard input and exits when that closes, so it never outlives this process.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { findPackageRoot } from '../support/paths';

export type JvmServerKind = 'kafka' | 'hdfs' | 'flink' | 'flink-jobmanager' | 'flink-taskmanager';

const ROOT = findPackageRoot(import.meta.dirname);
const SCRIPT = join(ROOT, 'scripts', 'services.sh');
const READY: Record<JvmServerKind, RegExp> = {
  kafka: /^KAFKA_BOOTSTRAP=(\S+)$/,
  hdfs: /^WEBHDFS_URL=(\S+)$/,
  flink: /^FLINK_REST=(\S+)$/,
  'flink-jobmanager': /^FLINK_REST=(\S+) rpc=(\S+)$/,
  'flink-taskmanager': /^FLINK_TASKMANAGER=(\S+)$/,
};
const TITLE: Record<JvmServerKind, string> = {
  kafka: 'Apache Kafka broker',
  hdfs: 'HDFS minicluster',
  flink: 'embedded Apache Flink (MiniCluster)',
  'flink-jobmanager': 'Apache Flink session cluster (JobManager)',
  'flink-taskmanager': 'Apache Flink TaskManager',
};
/** Where a kind's launcher was set up (the session cluster's processes share the embedded Flink's). */
const SETUP: Record<JvmServerKind, string> = {
  kafka: 'kafka',
  hdfs: 'hdfs',
  flink: 'flink',
  'flink-jobmanager': 'flink',
  'flink-taskmanager': 'flink',
};

/** Why a kind of server cannot be started here, in words; undefined when it can. */
export function jvmServerMissing(kind: JvmServerKind): string | undefined {
  if (!existsSync(SCRIPT) || !existsSync(join(ROOT, 'build', 'services', SETUP[kind], 'launcher.jar')))
    return `the ${TITLE[kind]} is not set up here (run scripts/setup.sh: it fetches it from Maven Central into build/services)`;
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const probe = spawnSync(java, ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0)
    return `Java is not installed (the ${TITLE[kind]} runs on Java 17 or newer; Debian: apt install openjdk-17-jre-headless)`;
  return undefined;
}

export interface JvmServerOptions {
  /** Keep the server's data in this folder, across restarts (else a temporary one, removed at exit). */
  data?: string;
  /** More launcher options (see services/…/KafkaMain.java and HdfsMain.java). */
  args?: string[];
  /** The JVM's maximum heap, e.g. "256m" (scripts/services.sh has the defaults). */
  heap?: string;
  /** How long to wait for the server to answer (default 120 s). */
  timeoutMs?: number;
}

export class JvmServer {
  private answers: ((line: string) => void)[] = [];
  private readonly exit: Promise<number | null>;

  private constructor(
    readonly kind: JvmServerKind,
    private readonly child: ChildProcess,
    /** `127.0.0.1:PORT` (Kafka), `http://127.0.0.1:PORT/webhdfs/v1` (HDFS), `http://127.0.0.1:PORT` (Flink's REST). */
    readonly address: string,
    lines: AsyncIterator<string>,
    /** A session cluster's JobManager: its RPC address, where TaskManagers join (`127.0.0.1:PORT`). */
    readonly rpc?: string,
  ) {
    this.exit = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
      else child.once('exit', (code) => resolve(code));
    });
    void (async () => {
      for (let next = await lines.next(); !next.done; next = await lines.next()) this.answers.shift()?.(next.value);
    })();
  }

  static async start(kind: JvmServerKind, options: JvmServerOptions = {}): Promise<JvmServer> {
    const missing = jvmServerMissing(kind);
    if (missing) throw new Error(missing);
    const args = [SCRIPT, kind, ...(options.data ? ['--data', options.data] : []), ...(options.args ?? [])];
    const env = { ...process.env };
    if (options.heap) env[`SLUICE_${kind.toUpperCase().replace('-', '_')}_HEAP`] = options.heap;
    // Our pipe is its standard input: when this process ends, the server reads end-of-file and stops. Its own
    // process group: a Ctrl+C in the terminal (SIGINT to the whole foreground group) reaches this process, which
    // stops what runs on the server first and the server last — not the server at the same moment.
    const child = spawn('bash', args, { stdio: ['pipe', 'pipe', 'pipe'], env, detached: true });
    const stderr: string[] = [];
    createInterface({ input: child.stderr! }).on('line', (line) => {
      if (process.env.SLUICE_SERVICES_LOG) process.stderr.write(`[${kind}] ${line}\n`);
      stderr.push(line);
      if (stderr.length > 40) stderr.shift();
    });
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const timeoutMs = options.timeoutMs ?? 120_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      const first = await Promise.race([
        lines.next(),
        new Promise<never>((_, reject) =>
          child.once('exit', (code, signal) =>
            reject(new Error(`the ${kind} server exited (${signal ?? code}) before it answered: ${why(stderr)}`)),
          ),
        ),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`the ${kind} server did not answer within ${timeoutMs / 1000} s: ${why(stderr)}`)),
            timeoutMs,
          );
        }),
      ]);
      const m = READY[kind].exec(first.value ?? '');
      if (!m) throw new Error(`the ${kind} server said "${first.value}" instead of its address`);
      return new JvmServer(kind, child, m[1]!, lines, m[2]);
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Ended (stopped, killed or crashed): its exit code, null when a signal ended it. */
  get exited(): Promise<number | null> {
    return this.exit;
  }

  /** A fault command on its standard input (HDFS: `datanode stop`, `datanode start`), answered `ok …` or `error …`. */
  command(line: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.answers.push((answer) =>
        answer.startsWith('ok') ? resolve() : reject(new Error(`${this.kind} ${line}: ${answer}`)),
      );
      this.child.stdin!.write(`${line}\n`);
    });
  }

  /** Stop cleanly (standard input closed); SIGKILL after `graceMs` if it has not ended by then. */
  async stop(graceMs = 30_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.stdin!.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exit;
    clearTimeout(timer);
  }

  /** End it at once, as a crash would (SIGKILL): nothing is flushed or closed. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGKILL');
    await this.exit;
  }
}

function why(stderr: string[]): string {
  const lines = stderr.filter((l) => !/^\s+at /.test(l));
  return lines.slice(-3).join(' / ') || 'it said nothing';
}
