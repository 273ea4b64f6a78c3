/**
 * Where the archive sink writes: a local folder (`file:///path`) or HDFS over its REST protocol
 * (`webhdfs://host:port/path`, `swebhdfs://` for HTTPS), with the same semantics — a file is written under a
 * temporary name, then renamed — behind one small interface. The WebHDFS side uses the `webhdfs` package (its
 * `request` dependency pinned to `@cypress/request` by npm overrides), with errors that keep the server's exception
 * class and HTTP status so that the sink can tell a fault worth retrying from a refusal.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, open, rename, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { userInfo } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import webhdfs, { type WebHdfsClient } from 'webhdfs';

/** A file being written. */
export interface ArchiveFile {
  /** Bytes written so far (what reached the target, as far as it said). */
  readonly length: number;
  write(chunk: Buffer): Promise<void>;
  /** Everything written is on durable storage (local: fsync; HDFS: the appends were answered). */
  finish(): Promise<void>;
  /** Give up on the file without finishing it (a failed run): its temporary name stays behind. */
  abandon(): void;
}

export interface ArchiveTarget {
  /** The target as the user wrote it, for messages. */
  readonly url: string;
  readonly kind: 'file' | 'webhdfs';
  /** The full path of a file under the target's root (`relative` uses `/`). */
  path(relative: string): string;
  create(path: string): Promise<ArchiveFile>;
  /** Rename a finished file to its final name; the final name must not exist yet. */
  rename(from: string, to: string): Promise<void>;
}

/**
 * A failure of a target operation. `retriable`: the target may do it if asked again (a connection lost, a server
 * error, a timeout); otherwise it refused (no permission, a file in the way, a bad path) and asking again will not
 * help. `uncertain`: the operation may or may not have taken effect.
 */
export class ArchiveError extends Error {
  constructor(
    message: string,
    readonly retriable: boolean,
    readonly uncertain = false,
  ) {
    super(message);
  }
}

/** `http(s)://host:port/webhdfs/v1/path` — WebHDFS's REST address, as scripts/services.sh prints it. */
const REST = /^(https?):\/\/([^/]+)\/webhdfs\/v1(\/.*)?$/i;

/**
 * Parse `webhdfs://host:port/path`, `swebhdfs://…`, `file:///path`, a plain path (from the working directory), or
 * WebHDFS's REST address `http://host:port/webhdfs/v1/path` (taken as `webhdfs://host:port/path`).
 */
export function parseTarget(given: string, options: { user?: string; timeoutMs: number }): ArchiveTarget {
  const rest = REST.exec(given);
  const url = rest
    ? `${rest[1]!.toLowerCase() === 'https' ? 'swebhdfs' : 'webhdfs'}://${rest[2]}${rest[3] ?? '/'}`
    : given;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (!scheme) return new FileTarget(url, resolve(url));
  if (scheme === 'file') return new FileTarget(url, fileURLToPath(url));
  if (scheme === 'webhdfs' || scheme === 'swebhdfs') {
    const u = new URL(url);
    if (!u.hostname) throw new Error(`target "${url}" names no host: write webhdfs://namenode:9870/path`);
    if (u.username || u.password)
      throw new Error(`target "${url}" carries credentials: give the user in the "user" field instead`);
    const port = u.port ? Number(u.port) : scheme === 'webhdfs' ? 9870 : 9871;
    return new WebHdfsTarget(
      url,
      u.hostname,
      port,
      scheme === 'swebhdfs',
      decodeURIComponent(u.pathname).replace(/\/+$/, '') || '/',
      options,
    );
  }
  throw new Error(
    `target "${url}" has scheme "${scheme}:": expected webhdfs://host:port/path, swebhdfs://…, http://host:port/webhdfs/v1/path, or file:///path`,
  );
}

const joinPath = (root: string, relative: string) => `${root.replace(/\/+$/, '')}/${relative.replace(/^\/+/, '')}`;

class FileTarget implements ArchiveTarget {
  readonly kind = 'file';
  constructor(
    readonly url: string,
    private readonly root: string,
  ) {}

  path(relative: string): string {
    return joinPath(this.root, relative);
  }

  async create(path: string): Promise<ArchiveFile> {
    try {
      await mkdir(dirname(path), { recursive: true });
      const out = createWriteStream(path, { flags: 'w', highWaterMark: 1 << 20 });
      await once(out, 'open');
      return new LocalFile(path, out);
    } catch (err) {
      throw new ArchiveError(`cannot create ${path}: ${(err as Error).message}`, false);
    }
  }

  async rename(from: string, to: string): Promise<void> {
    // rename(2) replaces an existing file silently; a name taken is a refusal, as in HDFS.
    if (
      await stat(to).then(
        () => true,
        () => false,
      )
    )
      throw new ArchiveError(`cannot rename ${from} to ${to}: ${to} exists`, false);
    await rename(from, to).catch((err: Error) => {
      throw new ArchiveError(`cannot rename ${from} to ${to}: ${err.message}`, false);
    });
  }
}

class LocalFile implements ArchiveFile {
  length = 0;
  private failed: Error | undefined;
  constructor(
    private readonly path: string,
    private readonly out: WriteStream,
  ) {
    out.on('error', (err) => (this.failed = err));
  }

  private check(): void {
    if (this.failed) throw new ArchiveError(`cannot write ${this.path}: ${this.failed.message}`, false);
  }

  async write(chunk: Buffer): Promise<void> {
    this.check();
    this.length += chunk.length;
    if (!this.out.write(chunk)) await once(this.out, 'drain').catch(() => undefined); // once() gives up on 'error'
    this.check();
  }

  async finish(): Promise<void> {
    this.check();
    await new Promise<void>((res, rej) =>
      this.out.end((err?: Error | null) =>
        err ? rej(new ArchiveError(`cannot write ${this.path}: ${err.message}`, false)) : res(),
      ),
    );
    // On the disk before it gets its final name: a crash after the rename must not leave a short file under it.
    const fh = await open(this.path, 'r+');
    try {
      await fh.datasync();
    } finally {
      await fh.close();
    }
  }

  abandon(): void {
    this.out.destroy();
  }
}

/** The HDFS exceptions that say "ask again later" rather than "no". */
/** An IOException from a write whose DataNode pipeline failed. */
const DATANODE_LOST =
  /datanodes? .*(are bad|could not|unavailable)|no datanode|could only be (replicated|written) to 0 nodes/i;

const RETRIABLE_EXCEPTIONS = new Set([
  'RetriableException',
  'StandbyException',
  'SafeModeException',
  'RecoveryInProgressException',
  'AlreadyBeingCreatedException',
  'LeaseExpiredException',
]);

/** Network failures where it cannot have. */
const UNREACHED = /ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN/;

interface RemoteException {
  exception?: string;
  javaClassName?: string;
  message?: string;
}

class WebHdfsTarget implements ArchiveTarget {
  readonly kind = 'webhdfs';
  private readonly client: WebHdfsClient;

  constructor(
    readonly url: string,
    host: string,
    port: number,
    tls: boolean,
    private readonly root: string,
    options: { user?: string; timeoutMs: number },
  ) {
    const user = options.user || process.env.HADOOP_USER_NAME || userInfo().username;
    this.client = webhdfs.createClient(
      { host, port, path: '/webhdfs/v1', protocol: tls ? 'https' : 'http', user },
      { timeout: options.timeoutMs },
    );
    // The package keeps only a RemoteException's message and treats only some statuses as errors: keep the
    // exception's class and the status, and take every 4xx/5xx as an error.
    this.client._isError = (res) => res.statusCode >= 400;
    this.client._parseError = (body, _strict, statusCode) => {
      let parsed = body;
      if (typeof parsed === 'string') {
        try {
          parsed = JSON.parse(parsed);
        } catch {
          parsed = undefined;
        }
      }
      const remote = (parsed as { RemoteException?: RemoteException } | undefined)?.RemoteException;
      const status = statusCode ?? 0;
      if (remote) {
        const name = remote.exception ?? remote.javaClassName?.split('.').pop() ?? 'RemoteException';
        return Object.assign(new Error(`${name}: ${remote.message ?? '(no message)'} (HTTP ${status})`), {
          status,
          exception: name,
        });
      }
      if (status === 404) return Object.assign(new Error(`HTTP 404: is WebHDFS enabled at ${this.url}?`), { status });
      return Object.assign(new Error(`HTTP ${status || '(no status)'} with no RemoteException`), { status });
    };
  }

  path(relative: string): string {
    return joinPath(this.root, relative);
  }

  /** The server that did not answer: the NameNode, or the DataNode it sent the write to. */
  private whoIsAway(message: string): string {
    const at = /(\d{1,3}(?:\.\d{1,3}){3}|\[[\da-f:]+\]|localhost):(\d+)/i.exec(message);
    const nameNode = new URL(this.url.replace(/^s?webhdfs:/, 'http:'));
    if (at && Number(at[2]) !== (Number(nameNode.port) || 9870))
      return `the NameNode at ${this.url} sent the data to the DataNode at ${at[1]}:${at[2]}: is it up?`;
    return `is the NameNode at ${this.url} up?`;
  }

  /** Turn the package's error into an ArchiveError that says whether to retry and whether it may have happened. */
  private failure(op: string, path: string, err: Error): ArchiveError {
    const { status, exception } = err as Error & { status?: number; exception?: string };
    const text = `WebHDFS ${op} ${path}: ${err.message}`;
    if (exception && RETRIABLE_EXCEPTIONS.has(exception)) return new ArchiveError(text, true, false);
    // The write pipeline lost its DataNodes ("All datanodes … are bad. Aborting…", sent as a 403): a fault of the
    // cluster, not a refusal; part of the data may have reached the file, so its length is checked before again.
    if (exception === 'IOException' && DATANODE_LOST.test(err.message)) return new ArchiveError(text, true, true);
    if (status !== undefined) return new ArchiveError(text, status >= 500 || status === 429, status >= 500);
    if (UNREACHED.test(err.message) || UNREACHED.test(String((err as { code?: string }).code)))
      return new ArchiveError(`${text} (${this.whoIsAway(err.message)})`, true, false);
    // Anything else without an answer (connection dropped, timed out): it may have been done.
    return new ArchiveError(text, true, true);
  }

  private call<T>(
    op: string,
    path: string,
    run: (cb: (err: Error | null | undefined, value?: T) => void) => void,
  ): Promise<T> {
    return new Promise<T>((res, rej) => {
      let done = false;
      run((err, value) => {
        if (done) return;
        done = true;
        if (err) rej(this.failure(op, path, err));
        else res(value as T);
      });
    });
  }

  /** A JSON operation whose answer the package's methods drop (RENAME's and TRUNCATE's boolean). */
  private booleanOp(method: string, op: string, path: string, params: Record<string, unknown>): Promise<boolean> {
    return this.call<boolean>(op.toUpperCase(), path, (cb) =>
      this.client._sendRequest(method, this.client._getOperationEndpoint(op, path, params), (err, _res, body) =>
        cb(err, (body as { boolean?: boolean } | undefined)?.boolean === true),
      ),
    );
  }

  async create(path: string): Promise<ArchiveFile> {
    await this.call('MKDIRS', dirname(path), (cb) => this.client.mkdir(dirname(path), null, cb));
    // An empty file under the temporary name, replacing one a failed attempt left (the name is this run's own).
    await this.call('CREATE', path, (cb) =>
      this.client.writeFile(path, Buffer.alloc(0), false, { overwrite: true }, cb),
    );
    return new HdfsFile(this, path);
  }

  append(path: string, chunk: Buffer): Promise<void> {
    return this.call('APPEND', path, (cb) => this.client.writeFile(path, chunk, true, {}, cb));
  }

  /** The file's length, or undefined when it does not exist. */
  async length(path: string): Promise<number | undefined> {
    try {
      const s = await this.call<{ length: number }>('GETFILESTATUS', path, (cb) => this.client.stat(path, cb));
      return s.length;
    } catch (err) {
      if (/FileNotFoundException/.test((err as Error).message)) return undefined;
      throw err;
    }
  }

  truncate(path: string, length: number): Promise<boolean> {
    return this.booleanOp('POST', 'truncate', path, { newlength: length });
  }

  async rename(from: string, to: string): Promise<void> {
    let done: boolean;
    try {
      done = await this.booleanOp('PUT', 'rename', from, { destination: to });
    } catch (err) {
      if (!(err instanceof ArchiveError) || !err.uncertain) throw err;
      // The answer was lost: look at what is there now instead of renaming again blindly.
      const [source, dest] = [await this.length(from), await this.length(to)];
      if (source === undefined && dest !== undefined) return;
      throw new ArchiveError(err.message, true, false);
    }
    if (!done)
      throw new ArchiveError(`WebHDFS RENAME ${from} to ${to}: refused (the name is taken, or ${from} is gone)`, false);
  }
}

/**
 * A file on HDFS, written by APPENDs. An APPEND whose answer was lost is never simply sent again: the file's length
 * says whether it landed (done), did not (send it again) or landed in part (TRUNCATE back, then send it again).
 */
class HdfsFile implements ArchiveFile {
  length = 0;
  /** The last APPEND's answer was lost: the next write (the same chunk, sent again) first looks at the file. */
  private unsure = false;
  constructor(
    private readonly target: WebHdfsTarget,
    private readonly path: string,
  ) {}

  async write(chunk: Buffer): Promise<void> {
    if (chunk.length === 0) return;
    if (this.unsure) {
      const now = await this.target.length(this.path);
      if (now === undefined) throw new ArchiveError(`${this.path} is gone while being written`, false);
      if (now === this.length + chunk.length) {
        // It had landed: done, not sent twice.
        this.length = now;
        this.unsure = false;
        return;
      }
      if (now < this.length)
        throw new ArchiveError(
          `${this.path} is ${now} bytes long, shorter than the ${this.length} written to it`,
          false,
        );
      if (now > this.length) {
        // Part of it landed: cut it back to what was written before, then send it whole.
        const cut = await this.target.truncate(this.path, this.length);
        const after = await this.target.length(this.path);
        if (!cut || after !== this.length)
          throw new ArchiveError(`WebHDFS TRUNCATE ${this.path} to ${this.length} bytes has not completed yet`, true);
      }
      this.unsure = false;
    }
    try {
      await this.target.append(this.path, chunk);
    } catch (err) {
      if (err instanceof ArchiveError && err.uncertain) this.unsure = true;
      throw err;
    }
    this.length += chunk.length;
  }

  async finish(): Promise<void> {}

  abandon(): void {}
}
