/**
 * The embedded Redis for development and the demo: a `redis-server` (Debian package, installed by set-up) on a
 * free local port, nothing persisted, ended with the process that started it (parent-death signal on Linux).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

/** A port nothing listens on now (the kernel picks it; redis-server cannot take --port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export class LocalRedis {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<LocalRedis> {
    const port = await freePort();
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'];
    const setpriv = process.platform === 'linux' && existsSync('/usr/bin/setpriv');
    const child = spawn(setpriv ? '/usr/bin/setpriv' : 'redis-server', setpriv ? ['--pdeathsig', 'TERM', '--', 'redis-server', ...args] : args, { stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const onData = (d: Buffer) => {
        out += String(d);
        if (/Ready to accept connections/.test(out)) resolve();
      };
      child.stdout!.on('data', onData);
      child.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'ENOENT' ? new Error('redis-server was not found: install it (Debian/Ubuntu: apt install redis-server), or name a Redis profile') : err));
      child.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before it was ready: ${out.trim().split('\n').at(-1) ?? ''}`)));
    });
    return new LocalRedis(child, port);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    await exited;
  }
}

let local: Promise<LocalRedis> | undefined;

/** The embedded Redis, started once per process on first use. */
export function localRedis(): Promise<LocalRedis> {
  return (local ??= LocalRedis.start().catch((err: unknown) => {
    local = undefined;
    throw err;
  }));
}
