/**
 * Plays the preview stream's fMP4 chunks in a `<video>` through Media Source Extensions, staying at the live edge:
 * appends in order (one at a time, as MSE requires), jumps forward when playback falls behind, trims what was
 * played, and starts over on a new init segment (the group's process restarted).
 */
import type { PreviewChunk } from '../../../shared/api';

/** What the stream is, from its init segment. */
export type PlayerInfo = Omit<Extract<PreviewChunk, { kind: 'init' }>, 'kind' | 'data'>;

/** Behind the live edge by more than this, playback jumps forward. */
const MAX_BEHIND_S = 0.5;
/** Played media kept in the buffer. */
const KEEP_S = 10;

const decode = (b64: string): Uint8Array<ArrayBuffer> => {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
};

export class MsePlayer {
  private source: MediaSource | undefined;
  private buffer: SourceBuffer | undefined;
  private queue: Uint8Array<ArrayBuffer>[] = [];
  private url: string | undefined;
  private disposed = false;

  constructor(
    private readonly video: HTMLVideoElement,
    private readonly onInfo: (info: PlayerInfo) => void,
    private readonly onError: (message: string) => void,
  ) {}

  push(chunk: PreviewChunk): void {
    if (this.disposed) return;
    if (chunk.kind === 'init') return this.start(chunk);
    if (!this.buffer) return;
    this.queue.push(decode(chunk.data));
    this.pump();
  }

  private start(init: Extract<PreviewChunk, { kind: 'init' }>): void {
    this.reset();
    const type = `video/mp4; codecs="${init.codec}"`;
    if (!('MediaSource' in window) || !MediaSource.isTypeSupported(type)) {
      this.onError(`this browser cannot play ${init.codec || 'the stream'} through Media Source Extensions`);
      return;
    }
    const source = new MediaSource();
    this.source = source;
    this.url = URL.createObjectURL(source);
    this.video.src = this.url;
    this.queue = [decode(init.data)];
    source.addEventListener(
      'sourceopen',
      () => {
        if (this.source !== source) return;
        const sb = source.addSourceBuffer(type);
        sb.mode = 'segments';
        sb.addEventListener('updateend', () => this.afterAppend());
        sb.addEventListener('error', () => this.onError('the player refused a fragment'));
        this.buffer = sb;
        this.pump();
      },
      { once: true },
    );
    const { kind: _kind, data: _data, ...info } = init;
    this.onInfo(info);
  }

  private pump(): void {
    const sb = this.buffer;
    if (!sb || sb.updating || this.queue.length === 0 || this.source?.readyState !== 'open') return;
    try {
      sb.appendBuffer(this.queue.shift()!);
    } catch (err) {
      // QuotaExceeded: drop what was played, try again after it is removed.
      this.trim(0);
      this.onError(err instanceof Error ? err.message : String(err));
    }
  }

  private afterAppend(): void {
    const v = this.video;
    const b = v.buffered;
    if (b.length > 0) {
      const end = b.end(b.length - 1);
      if (end - v.currentTime > MAX_BEHIND_S || v.currentTime < b.start(0))
        v.currentTime = Math.max(b.start(b.length - 1), end - 0.1);
      if (v.paused) void v.play().catch(() => undefined);
      if (v.currentTime - b.start(0) > 2 * KEEP_S) this.trim(v.currentTime - KEEP_S);
    }
    this.pump();
  }

  private trim(before: number): void {
    const sb = this.buffer;
    if (!sb || sb.updating || before <= 0) return;
    try {
      sb.remove(0, before);
    } catch {
      // Removed at the next chance.
    }
  }

  private reset(): void {
    this.buffer = undefined;
    this.queue = [];
    if (this.url) URL.revokeObjectURL(this.url);
    this.url = undefined;
    this.source = undefined;
  }

  dispose(): void {
    this.disposed = true;
    this.reset();
    this.video.removeAttribute('src');
    this.video.load();
  }
}
