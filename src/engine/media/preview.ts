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
  private readonly watchers = new Map<PreviewWatcher, { skipping: boolean }>();

  /** A new process: a new init segment comes; with `proxy`, what the preview shows instead of the wire. */
  restart(proxy: string | undefined): void {
    this.init = undefined;
    this.gop = [];
    this.proxy = proxy;
    this.ended = false;
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
