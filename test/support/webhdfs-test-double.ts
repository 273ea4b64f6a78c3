/**
 * TEST DOUBLE — a WebHDFS-protocol server for the tests, because no HDFS can run here. It is not HDFS: files live in
 * memory, there are no blocks, replicas, leases or permissions beyond what the tests ask for. It speaks the REST
 * protocol as a NameNode + DataNode pair do (Hadoop 3 WebHDFS docs): CREATE and APPEND as the two-step 307 redirect
 * to a "datanode" URL on the same server, OPEN (redirected too), RENAME, MKDIRS, GETFILESTATUS, LISTSTATUS, DELETE,
 * TRUNCATE, with errors as `{"RemoteException": {exception, javaClassName, message}}` and the usual statuses.
 *
 * Faults can be injected per operation: a 500, a slow answer (done, then answered late), a connection dropped before
 * or after the operation is done, or (for data) after only part of the data is stored, then dropped or refused as a
 * real DataNode pipeline refuses it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { posix } from 'node:path';

/**
 * `pipeline-lost`: the DataNode keeps part of the data and answers 403 IOException "All datanodes … are bad" — what a
 * real HDFS answers when its DataNode goes away mid-write, seen in CI but not reproducible on demand there.
 */
export type FaultKind = '500' | 'slow' | 'drop-before' | 'drop-after' | 'partial' | 'pipeline-lost';

export interface Fault {
  /** The operation, upper case: CREATE, APPEND, RENAME, MKDIRS, GETFILESTATUS, ... */
  op: string;
  kind: FaultKind;
  /** How many times it strikes (default 1). */
  times?: number;
  /** slow: how late the answer comes. */
  delayMs?: number;
}

interface Entry {
  type: 'FILE' | 'DIRECTORY';
  data: Buffer;
  mtime: number;
}

const PREFIX = '/webhdfs/v1';

const JAVA: Record<string, string> = {
  FileNotFoundException: 'java.io.FileNotFoundException',
  FileAlreadyExistsException: 'org.apache.hadoop.fs.FileAlreadyExistsException',
  AccessControlException: 'org.apache.hadoop.security.AccessControlException',
  ParentNotDirectoryException: 'org.apache.hadoop.fs.ParentNotDirectoryException',
  IllegalArgumentException: 'java.lang.IllegalArgumentException',
  IOException: 'java.io.IOException',
  UnsupportedOperationException: 'java.lang.UnsupportedOperationException',
};

class Remote extends Error {
  constructor(
    readonly status: number,
    readonly exception: string,
    message: string,
  ) {
    super(message);
  }
}

export class WebHdfsTestDouble {
  readonly files = new Map<string, Entry>([['/', { type: 'DIRECTORY', data: Buffer.alloc(0), mtime: Date.now() }]]);
  /** Every request as `OP path` (datanode steps marked `OP path (datanode)`), for tests that look at the traffic. */
  readonly log: string[] = [];
  private faults: (Fault & { left: number })[] = [];
  private readonly denied: string[] = [];
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  port = 0;

  /** Start on a local port (by default a free one). */
  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((r) => this.server!.listen(port, '127.0.0.1', r));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  get url(): string {
    return `webhdfs://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }

  /** Make an operation fail, `times` times from now. */
  inject(fault: Fault): void {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  /** Faults injected that have not struck yet. */
  get faultsLeft(): number {
    return this.faults.reduce((n, f) => n + f.left, 0);
  }

  /** Refuse writes under this path with AccessControlException. */
  deny(path: string): void {
    this.denied.push(path);
  }

  /** A file's content. */
  read(path: string): Buffer | undefined {
    const e = this.files.get(path);
    return e?.type === 'FILE' ? e.data : undefined;
  }

  /** The names directly under a folder. */
  list(dir: string): string[] {
    const prefix = dir === '/' ? '/' : `${dir}/`;
    return [...this.files.keys()]
      .filter((p) => p.startsWith(prefix) && p !== dir && !p.slice(prefix.length).includes('/'))
      .map((p) => p.slice(prefix.length));
  }

  private takeFault(op: string): Fault | undefined {
    const f = this.faults.find((x) => x.op === op && x.left > 0);
    if (f) f.left--;
    return f;
  }

  private mkdirs(path: string): void {
    const parts = path.split('/').filter(Boolean);
    let p = '';
    for (const part of parts) {
      p += `/${part}`;
      const e = this.files.get(p);
      if (e?.type === 'FILE')
        throw new Remote(403, 'ParentNotDirectoryException', `Parent path is not a directory: ${p}`);
      if (!e) this.files.set(p, { type: 'DIRECTORY', data: Buffer.alloc(0), mtime: Date.now() });
    }
  }

  private status(path: string, e: Entry, suffix: string) {
    return {
      accessTime: e.mtime,
      blockSize: 134217728,
      childrenNum: e.type === 'DIRECTORY' ? this.list(path).length : 0,
      fileId: 16386,
      group: 'supergroup',
      length: e.type === 'FILE' ? e.data.length : 0,
      modificationTime: e.mtime,
      owner: 'sluice',
      pathSuffix: suffix,
      permission: e.type === 'FILE' ? '644' : '755',
      replication: e.type === 'FILE' ? 1 : 0,
      storagePolicy: 0,
      type: e.type,
    };
  }

  private checkWrite(path: string): void {
    if (this.denied.some((d) => path === d || path.startsWith(`${d}/`))) {
      throw new Remote(
        403,
        'AccessControlException',
        `Permission denied: user=sluice, access=WRITE, inode="${path}":hdfs:supergroup:drwxr-xr-x`,
      );
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${this.port}`);
    const op = (url.searchParams.get('op') ?? '').toUpperCase();
    const datanode = url.searchParams.has('namenoderpcaddress');
    const body = await readBody(req).catch(() => undefined);
    if (body === undefined) return; // the client went away mid-request: nothing is done
    if (!url.pathname.startsWith(PREFIX)) return send(res, 404, 'text/html', '<html>Not Found</html>');
    const path = posix.normalize(decodeURIComponent(url.pathname.slice(PREFIX.length)) || '/');
    this.log.push(`${op} ${path}${datanode ? ' (datanode)' : ''}`);

    // The NameNode step of a write (or of a read) only redirects: faults for CREATE/APPEND/OPEN strike at the DataNode.
    const twoStep = op === 'CREATE' || op === 'APPEND' || op === 'OPEN';
    const fault = twoStep && !datanode ? undefined : this.takeFault(op);
    const drop = (): void => void req.socket.destroy();
    if (fault?.kind === '500')
      return sendJson(res, 500, remote(new Remote(500, 'IOException', `injected fault: ${op} ${path} failed`)));
    if (fault?.kind === 'drop-before') return drop();

    let status = 200;
    let answer: unknown = null;
    try {
      if (twoStep && !datanode) {
        if (op === 'APPEND' && this.files.get(path)?.type !== 'FILE')
          throw new Remote(404, 'FileNotFoundException', `File does not exist: ${path}`);
        if (op !== 'OPEN') this.checkWrite(path);
        const location = new URL(url);
        location.searchParams.set('namenoderpcaddress', 'localhost:8020');
        res.writeHead(307, { Location: location.toString(), 'Content-Length': 0 });
        return void res.end();
      }
      switch (op) {
        case 'CREATE': {
          this.checkWrite(path);
          const e = this.files.get(path);
          if (e?.type === 'DIRECTORY')
            throw new Remote(403, 'FileAlreadyExistsException', `${path} already exists as a directory`);
          if (e && url.searchParams.get('overwrite') !== 'true')
            throw new Remote(403, 'FileAlreadyExistsException', `${path} for client 127.0.0.1 already exists`);
          this.mkdirs(posix.dirname(path));
          const data = fault?.kind === 'partial' ? body.subarray(0, body.length >> 1) : body;
          this.files.set(path, { type: 'FILE', data, mtime: Date.now() });
          if (fault?.kind === 'partial') return drop();
          status = 201;
          res.setHeader('Location', `hdfs://localhost:8020${path}`);
          break;
        }
        case 'APPEND': {
          const e = this.files.get(path);
          if (e?.type !== 'FILE') throw new Remote(404, 'FileNotFoundException', `File does not exist: ${path}`);
          const cut = fault?.kind === 'partial' || fault?.kind === 'pipeline-lost';
          const data = cut ? body.subarray(0, body.length >> 1) : body;
          e.data = Buffer.concat([e.data, data]);
          e.mtime = Date.now();
          if (fault?.kind === 'partial') return drop();
          if (fault?.kind === 'pipeline-lost')
            throw new Remote(
              403,
              'IOException',
              `All datanodes [DatanodeInfoWithStorage[127.0.0.1:${this.port},DS-test,DISK]] are bad. Aborting...`,
            );
          break;
        }
        case 'TRUNCATE': {
          const e = this.files.get(path);
          if (e?.type !== 'FILE') throw new Remote(404, 'FileNotFoundException', `File does not exist: ${path}`);
          const n = Number(url.searchParams.get('newlength'));
          if (!Number.isInteger(n) || n < 0 || n > e.data.length)
            throw new Remote(
              400,
              'IllegalArgumentException',
              `Cannot truncate to a larger file size. Current size: ${e.data.length}, truncate size: ${n}.`,
            );
          e.data = e.data.subarray(0, n);
          answer = { boolean: true };
          break;
        }
        case 'OPEN': {
          const e = this.files.get(path);
          if (e?.type !== 'FILE') throw new Remote(404, 'FileNotFoundException', `File does not exist: ${path}`);
          return send(res, 200, 'application/octet-stream', e.data);
        }
        case 'MKDIRS':
          this.checkWrite(path);
          this.mkdirs(path);
          answer = { boolean: true };
          break;
        case 'RENAME': {
          const dest = posix.normalize(url.searchParams.get('destination') ?? '');
          if (!dest.startsWith('/'))
            throw new Remote(
              400,
              'IllegalArgumentException',
              `Invalid value for webhdfs parameter "destination": ${dest} is not absolute`,
            );
          this.checkWrite(dest);
          const e = this.files.get(path);
          const parent = this.files.get(posix.dirname(dest));
          // HDFS answers false (not an error) when the source is missing or the destination taken.
          if (!e || this.files.has(dest) || parent?.type !== 'DIRECTORY') {
            answer = { boolean: false };
            break;
          }
          for (const [p, v] of [...this.files]) {
            if (p === path || p.startsWith(`${path}/`)) {
              this.files.delete(p);
              this.files.set(dest + p.slice(path.length), v);
            }
          }
          answer = { boolean: true };
          break;
        }
        case 'GETFILESTATUS': {
          const e = this.files.get(path);
          if (!e) throw new Remote(404, 'FileNotFoundException', `File does not exist: ${path}`);
          answer = { FileStatus: this.status(path, e, '') };
          break;
        }
        case 'LISTSTATUS': {
          const e = this.files.get(path);
          if (!e) throw new Remote(404, 'FileNotFoundException', `File ${path} does not exist.`);
          const names = e.type === 'FILE' ? [''] : this.list(path).sort();
          answer = {
            FileStatuses: {
              FileStatus: names.map((n) =>
                this.status(n ? posix.join(path, n) : path, this.files.get(n ? posix.join(path, n) : path)!, n),
              ),
            },
          };
          break;
        }
        case 'DELETE': {
          this.checkWrite(path);
          const e = this.files.get(path);
          if (e?.type === 'DIRECTORY' && this.list(path).length && url.searchParams.get('recursive') !== 'true')
            throw new Remote(403, 'PathIsNotEmptyDirectoryException', `${path} is non empty': Directory is not empty`);
          for (const p of [...this.files.keys()]) if (p === path || p.startsWith(`${path}/`)) this.files.delete(p);
          answer = { boolean: !!e };
          break;
        }
        default:
          throw new Remote(
            400,
            'IllegalArgumentException',
            `Invalid value for webhdfs parameter "op": No enum constant ${op}`,
          );
      }
    } catch (err) {
      if (!(err instanceof Remote)) throw err;
      return sendJson(res, err.status, remote(err));
    }
    if (fault?.kind === 'drop-after') return drop();
    if (fault?.kind === 'slow') await new Promise((r) => setTimeout(r, fault.delayMs ?? 2000));
    if (answer === null) {
      res.writeHead(status, { 'Content-Length': 0 });
      res.end();
    } else sendJson(res, status, answer);
  }
}

function remote(e: Remote) {
  return {
    RemoteException: {
      exception: e.exception,
      javaClassName: JAVA[e.exception] ?? `org.apache.hadoop.fs.${e.exception}`,
      message: e.message,
    },
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('aborted')));
  });
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json', JSON.stringify(value));
}
