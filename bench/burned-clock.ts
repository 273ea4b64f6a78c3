/// <reference lib="dom" />
/**
 * Reading a burned-in clock back from the frames a page shows (the preview's <video>): for each frame, the time of
 * day coded as squares under the digits (see clockCodeLayout) against the wall-clock time the frame is displayed.
 * Shared by the preview and ingest benchmarks.
 */
import type { Locator } from '@playwright/test';
import type { ClockCode } from '../src/engine/media/inputs';

export interface Samples {
  /** Display time less the burned-in clock read from the picture, per frame. */
  burned: number[];
  /** The studio's figure for the same frames (start + media time). */
  studio: number[];
  /** Frames whose code did not read as a time near now. */
  unreadable: number;
}

/** Display time less the burned-in time for every frame shown during `ms`. */
export function readBurnedClock(video: Locator, code: ClockCode, ms: number): Promise<Samples> {
  return video.evaluate(
    (v: HTMLVideoElement, { code, ms }) =>
      new Promise<Samples>((resolve) => {
        const out: Samples = { burned: [], studio: [], unreadable: 0 };
        const canvas = document.createElement('canvas');
        const width = code.bits * code.size;
        canvas.width = width;
        canvas.height = code.size;
        const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
        const day = 86_400_000;
        const until = performance.now() + ms;
        // (Assigned to a property, not a named local: the TypeScript loader would wrap a named function in a helper the page lacks.)
        const loop: { onFrame?: VideoFrameRequestCallback } = {};
        loop.onFrame = (_now: number, meta: VideoFrameCallbackMetadata) => {
          const shownAt = Date.now() + (meta.expectedDisplayTime - performance.now());
          ctx.drawImage(v, code.x, code.y, width, code.size, 0, 0, width, code.size);
          const px = ctx.getImageData(0, 0, width, code.size).data;
          let value = 0;
          for (let i = 0; i < code.bits; i++) {
            const at = ((code.size >> 1) * width + i * code.size + (code.size >> 1)) * 4;
            value = value * 2 + (0.299 * px[at]! + 0.587 * px[at + 1]! + 0.114 * px[at + 2]! > 128 ? 1 : 0);
          }
          // The code is the time of day (on past midnight within a run): compare within the same day.
          let behind = (shownAt % day) - value;
          if (behind < -day / 2) behind += day;
          if (behind > day / 2) behind -= day;
          if (behind < -50 || behind > 60_000) out.unreadable++;
          else out.burned.push(behind);
          const start = Number(v.dataset.startMs);
          if (start) out.studio.push(shownAt - (start + meta.mediaTime * 1000));
          if (performance.now() < until) v.requestVideoFrameCallback(loop.onFrame!);
          else resolve(out);
        };
        v.requestVideoFrameCallback(loop.onFrame);
      }),
    { code, ms },
  );
}

/** The p-quantile of xs (NaN when empty). */
export const q = (xs: number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? NaN;
