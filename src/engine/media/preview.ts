/**
 * The live preview of a media group's encoded stream: the fMP4 init segment and fragments from the process's
 * preview pipe, handed to whoever watches (the studio, through the API's stream channel). A new watcher gets the
 * init segment and the fragments since the last keyframe, so its player can start at once and jump to the live
 * edge; a watcher that cannot keep up skips to the next keyframe instead of falling behind.
 */
import type { Fmp4Part, Fragment, InitSegment } from './fmp4';

/** What a watcher receives: the stream's parts, with what the preview is when it is not the wire itself. */
export type PreviewPart = (InitSegment & { proxy?: string }) | Fragment | { kind: 'end' };

export interface PreviewWatcher {
  send(part: PreviewPart): void;
  /** True while the watcher's connection has too much unsent; fragments are skipped to the next keyframe. */
  congested?(): boolean;
}

/** Fragments kept for a new watcher: since the last keyframe, at most this many. */
const MAX_GOP = 600;

export class PreviewTap {
  private init: InitSegment | undefined;
  private gop: Fragment[] = [];
  private proxy: string | undefined;
  private ended = false;
  /** Media bytes and time of this process's stream so far, for its bitrate. */
  private bytes = 0;
  private frames = 0;
  private firstTime: number | undefined;
  private lastTime = 0;
  private readonly watchers = new Map<PreviewWatcher, { skipping: boolean }>();

  /** Wall-clock time of media time 0 (capture time of the first frame), where known. */
  startMs = 0;

  /** A new process: a new init segment comes; with `proxy`, what the preview shows instead of the wire. */
  restart(proxy: string | undefined, startMs = 0): void {
    this.startMs = startMs;
    this.init = undefined;
    this.gop = [];
    this.proxy = proxy;
    this.ended = false;
    this.bytes = 0;
    this.frames = 0;
    this.firstTime = undefined;
  }

  /** Frames per second of the stream so far (a fragment per frame), by its media time. */
  fps(): number | undefined {
    if (this.firstTime === undefined || this.lastTime <= this.firstTime) return undefined;
    return Math.round((this.frames / (this.lastTime - this.firstTime)) * 10) / 10;
  }

  /** The stream's average bitrate so far (kbit/s): undefined for a proxy, which is not the wire's stream. */
  bitrateKbps(): number | undefined {
    if (this.proxy || this.firstTime === undefined || this.lastTime <= this.firstTime) return undefined;
    return Math.round((this.bytes * 8) / (this.lastTime - this.firstTime) / 100) / 10;
  }

  push(part: Fmp4Part): void {
    if (part.kind === 'init') {
      this.init = part;
      this.gop = [];
      for (const [w, s] of this.watchers) {
        s.skipping = true;
        w.send({ ...part, proxy: this.proxy });
      }
      return;
    }
    // (A fragment per frame: the bytes up to the last one span the time from the first to the last.)
    if (this.firstTime === undefined) this.firstTime = part.time;
    else {
      this.bytes += part.mediaBytes;
      this.frames++;
    }
    this.lastTime = part.time;
    if (part.keyframe) this.gop = [part];
    else if (this.gop.length > 0 && this.gop.length < MAX_GOP) this.gop.push(part);
    for (const [w, s] of this.watchers) {
      if (s.skipping && !part.keyframe) continue;
      if (w.congested?.()) {
        s.skipping = true;
        continue;
      }
      s.skipping = false;
      w.send(part);
    }
  }

  /** The process has ended for good (the run stopped or failed). */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const w of this.watchers.keys()) w.send({ kind: 'end' });
  }

  get watching(): number {
    return this.watchers.size;
  }

  watch(w: PreviewWatcher): () => void {
    this.watchers.set(w, { skipping: false });
    if (this.init) {
      w.send({ ...this.init, proxy: this.proxy });
      for (const f of this.gop) w.send(f);
    } else this.watchers.get(w)!.skipping = true;
    if (this.ended) w.send({ kind: 'end' });
    return () => void this.watchers.delete(w);
  }
}
