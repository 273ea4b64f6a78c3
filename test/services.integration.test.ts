/**
 * `scripts/services.sh`, as a person runs it: one line with the address once the server answers, a clean stop when
 * its standard input closes or on SIGTERM, never outliving its parent, and data kept across a restart with --data.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import webhdfs from 'webhdfs';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { alive, ROOT, tempDir, until } from './helpers';

const SCRIPT = join(ROOT, 'scripts', 'services.sh');

interface Started {
  child: ChildProcess;
  address: string;
  /** Every line it printed on standard output so far. */
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function startOnce(kind: 'kafka' | 'hdfs', args: string[]): Promise<Started> {
  const child = spawn('bash', [SCRIPT, kind, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const first = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (l) => {
      lines.push(l);
      resolve(l);
    });
    void exited.then(({ code }) =>
      reject(new Error(`services.sh ${kind} ended (exit ${code}) before its address: ${stderr.trim().slice(-600)}`)),
    );
  });
  return { child, address: (await first).replace(/^[A-Z_]+=/, ''), lines, exited };
}

/**
 * Start a server. A port found free can be taken by another process before the server binds it (other tests start
 * servers at the same time): such a start is tried once more, and says so.
 */
async function start(kind: 'kafka' | 'hdfs', args: string[] = []): Promise<Started> {
  try {
    return await startOnce(kind, args);
  } catch (err) {
    if (!/Address already in use|BindException/.test((err as Error).message)) throw err;
    console.log(`services.sh ${kind}: a port was taken before it bound; starting again`);
    return startOnce(kind, args);
  }
}

const kcat = (broker: string, args: string[], input?: string) => {
  const r = spawnSync('kcat', ['-b', broker, ...args], { input, encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`kcat: ${r.stderr}`);
  return r.stdout;
};

/** Write or read /kept.txt with the webhdfs package (CREATE is the two-step redirect to a DataNode). */
function hdfsFile(url: string, what: 'write' | 'read'): Promise<string> {
  const u = new URL(url);
  const c = webhdfs.createClient({
    host: u.hostname,
    port: Number(u.port),
    path: '/webhdfs/v1',
    user: userInfo().username,
  });
  return new Promise((resolve, reject) => {
    if (what === 'write')
      c.writeFile('/kept.txt', Buffer.from('kept across restarts\n'), false, {}, (e) => (e ? reject(e) : resolve('')));
    else c.readFile('/kept.txt', (e, b) => (e ? reject(e) : resolve(b!.toString())));
  });
}

describe('scripts/services.sh', () => {
  it('kafka: one line once the broker answers; stops when its input closes; with --data, a restart keeps the records', async () => {
    const data = tempDir('services-kafka');
    const a = await start('kafka', ['--data', data]);
    expect(a.lines[0]).toMatch(/^KAFKA_BOOTSTRAP=127\.0\.0\.1:\d+$/);
    kcat(a.address, ['-P', '-t', 'kept'], 'one\ntwo\nthree\n');
    a.child.stdin!.end();
    expect(await a.exited).toEqual({ code: 0, signal: null });
    expect(a.lines).toHaveLength(1);

    const b = await start('kafka', ['--data', data]);
    expect(kcat(b.address, ['-C', '-t', 'kept', '-e', '-q']).split('\n').filter(Boolean).sort()).toEqual([
      'one',
      'three',
      'two',
    ]);
    b.child.kill('SIGTERM');
    expect((await b.exited).signal ?? (await b.exited).code).not.toBeNull();
    expect(b.lines).toHaveLength(1);
  }, 120_000);

  it('hdfs: one line once WebHDFS answers; SIGTERM stops it; with --data, a restart keeps the files', async () => {
    const data = tempDir('services-hdfs');
    const a = await start('hdfs', ['--data', data]);
    expect(a.lines[0]).toMatch(/^WEBHDFS_URL=http:\/\/127\.0\.0\.1:\d+\/webhdfs\/v1$/);
    await hdfsFile(a.address, 'write');
    a.child.kill('SIGTERM');
    await a.exited;
    expect(a.lines).toHaveLength(1);

    const b = await start('hdfs', ['--data', data]);
    expect(await hdfsFile(b.address, 'read')).toBe('kept across restarts\n');
    b.child.stdin!.end();
    expect(await b.exited).toEqual({ code: 0, signal: null });
  }, 120_000);

  it('never outlives its parent: the parent killed outright, the server ends by itself', async () => {
    // A parent process that starts the server and prints the server's pid, then is SIGKILLed (no cleanup runs).
    const parent = spawn(
      process.execPath,
      [
        '-e',
        `const c = require('node:child_process').spawn('bash', [${JSON.stringify(SCRIPT)}, 'kafka'], { stdio: ['pipe', 'pipe', 'ignore'] });
         c.stdout.on('data', (d) => { if (String(d).startsWith('KAFKA_BOOTSTRAP=')) console.log(c.pid); });`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const pid = await new Promise<number>((resolve) => parent.stdout!.once('data', (d) => resolve(Number(String(d)))));
    expect(alive(pid)).toBe(true);
    parent.kill('SIGKILL');
    await until(() => !alive(pid), 30_000, 'the broker to end once its parent is gone');
  }, 60_000);

  it('bad input: an unknown server, an unknown option — said in words, non-zero exit', () => {
    const unknown = spawnSync('bash', [SCRIPT, 'zookeeper'], { encoding: 'utf8' });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain(
      'usage: scripts/services.sh kafka|hdfs|flink|flink-jobmanager|flink-taskmanager [--data DIR] [options]',
    );
    const option = spawnSync('bash', [SCRIPT, 'kafka', '--colour', 'blue'], { encoding: 'utf8', timeout: 60_000 });
    expect(option.status).toBe(2);
    expect(option.stderr).toContain('kafka: unknown option --colour');
    expect(option.stdout).toBe('');
    // A TaskManager needs its JobManager's address.
    const orphan = spawnSync('bash', [SCRIPT, 'flink-taskmanager', '--slots', '2'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(orphan.status).toBe(2);
    expect(orphan.stderr).toContain('flink-taskmanager: --jobmanager HOST:PORT is required');
    expect(orphan.stdout).toBe('');
  }, 60_000);
});
