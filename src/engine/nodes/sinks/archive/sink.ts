/**
 * The archive at run time: files filled per input port and folder, written under a temporary name and renamed
 * when they roll; a batch is acknowledged once every file holding its records is renamed.
 */
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import { bytesOf, type Hold, type NodeContext, type Rec } from '../../../contract/spec';
import { ArchiveError, parseTarget, type ArchiveFile, type ArchiveTarget } from '../../../connectors/hdfs/targets';
import { sleepUnlessAborted } from '../../../support/sleep';
import { eventTime, folderFor, pad, PLACEHOLDERS, type ArchiveConfig } from './config';

const gzip = promisify(gzipCb);

/** What a batch waits for: every file that got some of its records must have been renamed. */
class Waiter {
  private pending = 1;
  constructor(private readonly hold: Hold) {}
  add(): void {
    this.pending++;
  }
  done(): void {
    if (--this.pending === 0) this.hold.release();
  }
}

/** One file being filled. */
interface OpenFile {
  port: string;
  folder: string;
  name: string;
  /** Its temporary and final paths on the target. */
  temp: string;
  final: string;
  file: ArchiveFile;
  openedAt: number;
  records: number;
  /** Lines (a record file) or chunks (a bytes file) not yet written to the target, and their size in characters / bytes. */
  text: string;
  chunks: Uint8Array[];
  pendingSize: number;
  waiters: Set<Waiter>;
}

/** An open file's key: its input port and folder. */
const fileKey = (port: string, folder: string) => `${port}\u0000${folder}`;

/** The fMP4 init segment (`ftyp` box first). */
const isInit = (b: Uint8Array) => b.length >= 8 && b[4] === 0x66 && b[5] === 0x74 && b[6] === 0x79 && b[7] === 0x70;

export class ArchiveSink {
  private readonly target: ArchiveTarget;
  private readonly bucketMs: number;
  private readonly stamp = `${new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '')}-${randomBytes(2).toString('hex')}`;
  private seq = 0;
  /** Open files by port and folder. */
  private readonly open = new Map<string, OpenFile>();
  private chain: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private failure: Error | undefined;
  private lastFolder = { bucket: NaN, folder: '' };
  /** The video's init segment, written first in each file of fMP4 fragments. */
  private init: Uint8Array | undefined;
  private bytesExt: string | undefined;
  private last: OpenFile | undefined;

  constructor(
    private readonly cfg: ArchiveConfig,
    private readonly ctx: NodeContext,
  ) {
    this.target = parseTarget(cfg.target, { user: cfg.user, timeoutMs: cfg.timeoutMs });
    const used = [...cfg.path.matchAll(/\{(\w+)\}/g)].map((m) => PLACEHOLDERS[m[1]!]!);
    this.bucketMs = used.length ? Math.min(...used) : Infinity;
  }

  start(): void {
    const every = Math.min(1000, Math.max(50, this.cfg.rollIntervalMs / 4));
    this.timer = setInterval(() => {
      const now = Date.now();
      const due = [...this.open.values()].filter((f) => now - f.openedAt >= this.cfg.rollIntervalMs);
      if (!due.length) return;
      this.serial(async () => {
        for (const f of due) if (this.open.get(this.keyOf(f)) === f) await this.roll(f);
      }).catch((err: unknown) => this.ctx.error((err as Error).message));
    }, every);
    this.timer.unref();
  }

  private keyOf(f: OpenFile): string {
    return fileKey(f.port, f.folder);
  }

  /** Run `fn` after everything queued before it; a failure stops the node (the next batch or the finish throws it). */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(() => {
      if (this.failure) throw this.failure;
      return fn();
    });
    this.chain = run.catch((err: unknown) => (this.failure ??= err as Error));
    return run;
  }

  /** Do a target operation, again with backoff while the target is away or failing; a refusal is thrown. */
  private async retrying<T>(op: () => Promise<T>): Promise<T> {
    let delay = 200;
    let giveUpAt = Infinity;
    let reported = false;
    for (;;) {
      try {
        const v = await op();
        if (reported) this.ctx.status('running');
        return v;
      } catch (err) {
        if (!(err instanceof ArchiveError) || !err.retriable) throw err;
        if (this.ctx.signal.aborted) {
          if (giveUpAt === Infinity) giveUpAt = Date.now() + 10_000;
          if (Date.now() > giveUpAt)
            throw new Error(
              `${err.message} — gave up as the run stops; the records in unfinished files were not acknowledged`,
            );
        }
        // Once the run stops, tries come every second at most, for the last 10 s it grants.
        if (this.ctx.signal.aborted) delay = Math.min(delay, 1000);
        void this.ctx.error(`${err.message} — trying again in ${delay} ms`);
        this.ctx.status('reconnecting');
        reported = true;
        await sleepUnlessAborted(delay, this.ctx.signal);
        delay = Math.min(delay * 2, 10_000);
      }
    }
  }

  private folder(ms: number): string {
    const bucket = Math.floor(ms / this.bucketMs);
    if (bucket !== this.lastFolder.bucket || !Number.isFinite(bucket))
      this.lastFolder = { bucket, folder: folderFor(this.cfg.path, ms) };
    return this.lastFolder.folder;
  }

  /** The open file for a port and folder, if there is one (the last one used is kept at hand). */
  private openFile(port: string, folder: string): OpenFile | undefined {
    const last = this.last;
    if (last && last.folder === folder && last.port === port) return last;
    const f = this.open.get(fileKey(port, folder));
    if (f) this.last = f;
    return f;
  }

  private async newFile(port: string, folder: string, ext: string): Promise<OpenFile> {
    const name = `${this.cfg.prefix}-${this.stamp}-${pad(++this.seq, 5)}.${ext}`;
    const rel = folder ? `${folder.replace(/^\/+|\/+$/g, '')}/` : '';
    const temp = this.target.path(`${rel}.${name}.inprogress`);
    const final = this.target.path(`${rel}${name}`);
    const file = await this.retrying(() => this.target.create(temp));
    const f: OpenFile = {
      port,
      folder,
      name,
      temp,
      final,
      file,
      openedAt: Date.now(),
      records: 0,
      text: '',
      chunks: [],
      pendingSize: 0,
      waiters: new Set(),
    };
    this.open.set(this.keyOf(f), f);
    if (port === 'bytes' && this.init) {
      f.chunks.push(this.init);
      f.pendingSize += this.init.length;
    }
    return (this.last = f);
  }

  /** Write what is pending to the target. */
  private async flush(f: OpenFile): Promise<void> {
    if (f.pendingSize === 0) return;
    let chunk = f.port === 'bytes' ? Buffer.concat(f.chunks) : Buffer.from(f.text);
    f.text = '';
    f.chunks = [];
    f.pendingSize = 0;
    if (this.cfg.gzip && f.name.endsWith('.gz')) chunk = await gzip(chunk);
    await this.retrying(() => f.file.write(chunk));
  }

  /** Finish the file and give it its final name; then the records in it are acknowledged. */
  private async roll(f: OpenFile): Promise<void> {
    await this.flush(f);
    await this.retrying(() => f.file.finish());
    await this.retrying(() => this.target.rename(f.temp, f.final));
    this.open.delete(this.keyOf(f));
    if (this.last === f) this.last = undefined;
    this.ctx.count('files');
    for (const w of f.waiters) w.done();
  }

  private attach(f: OpenFile, waiter: Waiter): void {
    if (f.waiters.has(waiter)) return;
    f.waiters.add(waiter);
    waiter.add();
  }

  /** Add a line or chunk to a file; a promise only when it had to be written out (flush or roll). */
  private add(f: OpenFile, item: string | Uint8Array, waiter: Waiter): Promise<void> | undefined {
    if (!f.waiters.has(waiter)) this.attach(f, waiter);
    if (typeof item === 'string') {
      f.text += item;
      f.pendingSize += item.length;
    } else {
      f.chunks.push(item);
      f.pendingSize += item.length;
    }
    f.records++;
    if (this.cfg.rollRecords > 0 && f.records >= this.cfg.rollRecords) return this.roll(f);
    if (f.pendingSize >= this.cfg.flushBytes) return this.flushAndMaybeRoll(f);
    return undefined;
  }

  private async flushAndMaybeRoll(f: OpenFile): Promise<void> {
    await this.flush(f);
    if (f.file.length >= this.cfg.rollBytes) await this.roll(f);
  }

  process(port: string, batch: Rec[]): Promise<void> {
    const waiter = new Waiter(this.ctx.hold());
    return this.serial(async () => {
      if (port === 'bytes') await this.writeBytes(bytesOf(batch), waiter);
      else await this.writeRecords(batch, waiter);
      waiter.done();
    });
  }

  private async writeRecords(batch: Rec[], waiter: Waiter): Promise<void> {
    const ext = this.cfg.gzip ? 'jsonl.gz' : 'jsonl';
    const arrival = Date.now();
    const { timeField } = this.cfg;
    for (const r of batch) {
      let t = arrival;
      if (this.cfg.time === 'event') {
        const e = eventTime(r[timeField]);
        if (e === undefined) {
          const written = this.ctx.error(
            `record has no event time in "${timeField}" (ms since the epoch or an ISO date); set timeField, or time: arrival`,
            r,
          );
          if (written) await written;
          continue;
        }
        t = e;
      }
      const folder = this.folder(t);
      const f = this.openFile('in', folder) ?? (await this.newFile('in', folder, ext));
      const written = this.add(f, JSON.stringify(r) + '\n', waiter);
      if (written) await written;
    }
  }

  private async writeBytes(chunks: Uint8Array[], waiter: Waiter): Promise<void> {
    for (const c of chunks) {
      const folder = this.folder(Date.now());
      if (isInit(c)) {
        // A (new) init segment: files from here on start with it; one that has fragments of the old one is closed.
        this.init = c;
        this.bytesExt ??= 'mp4';
        const current = this.openFile('bytes', folder);
        if (current && current.records > 0) await this.roll(current);
        const f = this.openFile('bytes', folder) ?? (await this.newFile('bytes', folder, this.bytesExt));
        f.chunks = [c];
        f.pendingSize = c.length;
        this.attach(f, waiter);
        continue;
      }
      this.bytesExt ??= c[0] === 0x47 ? 'ts' : 'bin';
      const f = this.openFile('bytes', folder) ?? (await this.newFile('bytes', folder, this.bytesExt));
      await this.add(f, c, waiter);
    }
  }

  /** The input ended (or the run stops): roll every open file. */
  finish(): Promise<void> {
    return this.serial(async () => {
      for (const f of [...this.open.values()]) await this.roll(f);
    });
  }

  close(): void {
    clearInterval(this.timer);
    for (const f of this.open.values()) f.file.abandon();
    this.open.clear();
  }
}
