/**
 * Publishing a group's stream to a receiver (a CDN's RTMP ingest, a media server, an SRT listener): the group's
 * ffmpeg writes MPEG-TS into a pipe (lossy: it never waits for the network), and a pusher — a second, small ffmpeg
 * that copies it to the receiver — takes it from there. When the receiver goes away or refuses, only the pusher ends:
 * the node says why in the receiver's words, waits (1 s, doubling to 30 s) and tries again, while the rest of the
 * group (HLS, files, the preview) goes on. MPEG-TS carries the codec's parameters before every keyframe, so a
 * pusher started mid-stream picks it up at the next one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { ffmpegPath } from './ffmpeg';
import { errorLine, ProgressParser } from './runner';
import { sleepUnlessAborted } from '../support/sleep';

export interface PushTarget {
  /** Where to publish, as ffmpeg opens it (secrets put in). */
  url: string;
  /** The same without its secrets, for what is shown. */
  shown: string;
  format: 'flv' | 'mpegts';
}

export interface PushEvents {
  /** Frames are reaching the receiver. */
  connected(): void;
  /** The receiver went away or refused; trying again after `retryMs`. */
  lost(why: string, retryMs: number): void;
}

const MAX_BACKOFF_MS = 30_000;

/** The ffmpeg arguments of a pusher: MPEG-TS on stdin, copied (no re-encoding) to the receiver. */
export function pusherArgs(target: Pick<PushTarget, 'url' | 'format'>): string[] {
  return [
    ...['-hide_banner', '-nostdin', '-loglevel', 'error', '-progress', 'pipe:1', '-nostats'],
    ...['-f', 'mpegts', '-i', 'pipe:0', '-map', '0', '-c', 'copy'],
    ...(target.format === 'flv' ? ['-flvflags', 'no_duration_filesize'] : []),
    ...['-f', target.format, target.url],
  ];
}

/** Pushes a stream to its receiver until the stream ends or `signal` aborts, reconnecting with backoff. */
export class StreamPusher {
  private proc: ChildProcess | undefined;
  /** Bytes of the stream dropped while no receiver took them. */
  dropped = 0;
  /** Bytes handed to the receiver. */
  sent = 0;
  private ended = false;

  constructor(
    private readonly target: PushTarget,
    private readonly events: PushEvents,
    private readonly backoffMs = 1000,
  ) {}

  /** Feed the stream; runs pushers one after another until `stream` ends or `signal` aborts. */
  async run(stream: AsyncIterable<Uint8Array>, signal: AbortSignal): Promise<void> {
    const pumping = this.pump(stream);
    let backoff = this.backoffMs;
    while (!this.ended && !signal.aborted) {
      const started = Date.now();
      const exit = await this.once(signal, () => (backoff = this.backoffMs));
      if (this.ended || signal.aborted) break;
      // A pusher that ran a while before it was lost starts the backoff again.
      if (Date.now() - started > MAX_BACKOFF_MS) backoff = this.backoffMs;
      this.events.lost(exit, backoff);
      await sleepUnlessAborted(backoff, signal);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
    this.stop();
    await pumping;
  }

  /** The stream into whichever pusher runs now; dropped while none can take it. */
  private async pump(stream: AsyncIterable<Uint8Array>): Promise<void> {
    for await (const chunk of stream) {
      const stdin = this.proc?.stdin;
      if (stdin && stdin.writable && !stdin.writableNeedDrain) {
        stdin.write(chunk);
        this.sent += chunk.length;
      } else this.dropped += chunk.length;
    }
    this.ended = true;
    this.proc?.stdin?.end();
  }

  /** One pusher, until it ends: the reason it ended, in ffmpeg's (the receiver's) words. */
  private once(signal: AbortSignal, onConnected: () => void): Promise<string> {
    return new Promise((resolve) => {
      const proc = spawn(ffmpegPath(), pusherArgs(this.target), { stdio: ['pipe', 'pipe', 'pipe'] });
      this.proc = proc;
      const tail: string[] = [];
      let connected = false;
      const parser = new ProgressParser((p) => {
        if (!connected && p.outTimeMs > 0) {
          connected = true;
          onConnected();
          this.events.connected();
        }
      });
      proc.stdout!.setEncoding('utf8').on('data', (d: string) => parser.push(d));
      proc.stderr!.setEncoding('utf8').on('data', (d: string) => {
        for (const l of d.split('\n')) {
          const kept = l.trim() ? errorLine(l.trim()) : undefined;
          if (kept) tail.push(kept.replaceAll(this.target.url, this.target.shown));
        }
        tail.splice(0, Math.max(0, tail.length - 3));
      });
      proc.stdin!.on('error', () => {}); // a pusher that died mid-write: its exit says why
      const stop = () => proc.kill('SIGTERM');
      signal.addEventListener('abort', stop, { once: true });
      proc.once('error', (err) => resolve(`cannot start ffmpeg: ${err.message}`));
      proc.once('close', (code, sig) => {
        signal.removeEventListener('abort', stop);
        if (this.proc === proc) this.proc = undefined;
        const how = sig ? `ended (${sig})` : `ended with code ${code}`;
        resolve(tail.length ? tail.join(' / ') : `the connection to ${this.target.shown} ${how}`);
      });
    });
  }

  stop(): void {
    this.proc?.stdin?.end();
    this.proc?.kill('SIGTERM');
  }
}
