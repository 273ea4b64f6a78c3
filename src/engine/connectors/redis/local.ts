/**
 * The embedded Redis for development and the demo: a `redis-server` (Debian package, installed by set-up) on a
 * free local port, nothing persisted, ended with the process that started it: stopped and its folder removed when the
 * process stops cleanly (`stopLocalRedis`, and at exit), the parent-death signal on Linux when it is killed outright.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../support/net';

export class LocalRedis {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    /** Its working folder: where a SHUTDOWN SAVE writes, and a restart loads from. */
    readonly dir: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Start again on the same port (after `stop`): tests take Redis away and bring it back. */
  async restart(): Promise<LocalRedis> {
    return LocalRedis.start(this.port, this.dir);
  }

  static async start(fixedPort?: number, dir?: string): Promise<LocalRedis> {
    const port = fixedPort ?? (await freePort());
    const folder = dir ?? mkdtempSync(join(tmpdir(), 'sluice-redis-'));
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--protected-mode',
      'yes',
      '--dir',
      folder,
    ];
    const setpriv = process.platform === 'linux' && existsSync('/usr/bin/setpriv');
    const child = spawn(
      setpriv ? '/usr/bin/setpriv' : 'redis-server',
      setpriv ? ['--pdeathsig', 'TERM', '--', 'redis-server', ...args] : args,
      // Its own process group, as the JVM servers: Ctrl+C in a terminal (SIGINT to the foreground group) stops the
      // run, which writes its last batches, before the server goes (pdeathsig ends it if this process dies).
      { stdio: ['ignore', 'pipe', 'pipe'], detached: !!setpriv },
    );
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const onData = (d: Buffer) => {
        out += String(d);
        if (/Ready to accept connections/.test(out)) resolve();
      };
      child.stdout!.on('data', onData);
      child.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          err.code === 'ENOENT'
            ? new Error(
                'redis-server was not found: install it (Debian/Ubuntu: apt install redis-server), or name a Redis profile',
              )
            : err,
        ),
      );
      child.once('exit', (code) =>
        reject(new Error(`redis-server exited (${code}) before it was ready: ${out.trim().split('\n').at(-1) ?? ''}`)),
      );
    });
    return new LocalRedis(child, port, folder);
  }

  private get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves when the server has exited (however it was ended). */
  get exited(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((r) => this.child.once('exit', () => r()));
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    await exited;
  }

  /** Stop it now, without waiting (at process exit, when nothing can be awaited). */
  kill(): void {
    if (this.running) this.child.kill('SIGTERM');
  }
}

let local: Promise<LocalRedis> | undefined;
let started: LocalRedis | undefined;
let hooked = false;

/** At exit, whatever way it came: the embedded server ended and its folder gone (not left in the temp folder). */
function removeAtExit(): void {
  if (!started) return;
  started.kill();
  rmSync(started.dir, { recursive: true, force: true });
  started = undefined;
}

/** The embedded Redis, started once per process on first use. */
export function localRedis(): Promise<LocalRedis> {
  return (local ??= LocalRedis.start().then(
    (redis) => {
      if (!hooked) process.once('exit', removeAtExit);
      hooked = true;
      started = redis;
      return redis;
    },
    (err: unknown) => {
      local = undefined;
      throw err;
    },
  ));
}

/** Stop the embedded Redis (if this process started it) and remove its folder: a clean stop leaves nothing behind. */
export async function stopLocalRedis(): Promise<void> {
  const pending = local;
  local = undefined;
  if (!pending) return;
  const redis = await pending.catch(() => undefined);
  if (!redis) return;
  await redis.stop();
  rmSync(redis.dir, { recursive: true, force: true });
  if (started === redis) started = undefined;
}
