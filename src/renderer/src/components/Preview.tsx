import { useEffect, useRef, useState } from 'react';
import { useSelect } from '../state/store';
import { documentStore, runStore, studioApi } from '../state/studio';
import type { PipelineDocument } from '../../../shared/document';
import { MsePlayer, type PlayerInfo } from '../media/mse-player';

interface Rung {
  height: number;
  bitrateKbps: number;
  fps?: number;
}

const NONE: Rung[] = [];

/** The renditions of the encoder a preview target (an encoder, or its output wire) belongs to; H.265 has one proxy. */
function renditionsOf(doc: PipelineDocument, target: string): Rung[] {
  const edge = doc.edges.find((e) => e.id === target);
  const node = doc.nodes.find((n) => n.id === (edge ? edge.from.node : target));
  const rungs = node?.type === 'encoder' && node.config.codec !== 'hevc' ? node.config.renditions : undefined;
  return Array.isArray(rungs) && rungs.length > 1 ? (rungs as Rung[]) : NONE;
}

/** Latency samples kept for the figure shown (about two seconds of frames). */
const SAMPLES = 60;

/**
 * The live preview of an encoded wire (or of a media node's group) while the pipeline runs: the stream's fMP4
 * fragments played through Media Source Extensions, with what is shown (codec, size, proxy) and how far behind
 * capture the picture is.
 */
export function Preview({ target }: { target: string }) {
  const runId = useSelect(runStore, (s) => (s.status.phase === 'running' ? s.status.runId : undefined));
  // An encoder ladder's renditions: each can be watched (its own preview stream).
  const ladder = useSelect(documentStore, (s) => renditionsOf(s.doc, target));
  const [rendition, setRendition] = useState(0);
  const shown = rendition < ladder.length ? rendition : 0;
  const video = useRef<HTMLVideoElement>(null);
  const [info, setInfo] = useState<PlayerInfo>();
  const [error, setError] = useState<string>();
  const [ended, setEnded] = useState(false);
  const [latency, setLatency] = useState<number>();

  useEffect(() => {
    const v = video.current;
    if (!runId || !v) return;
    setError(undefined);
    setEnded(false);
    setInfo(undefined);
    setLatency(undefined);
    let start = 0;
    const player = new MsePlayer(
      v,
      (i) => {
        start = i.startMs;
        setInfo(i);
      },
      setError,
    );
    const close = studioApi().stream(
      'preview',
      ladder.length > 1 ? [target, shown] : [target],
      (c) => player.push(c),
      (err) => (err ? setError(err) : setEnded(true)),
    );
    // How far behind capture each shown frame is: the wall-clock time it is displayed at, less the time it was
    // captured (the process's start plus the frame's media time — the time the burned-in clock shows).
    const samples: number[] = [];
    let frameCallback = 0;
    let lastShown = 0;
    const onFrame = (now: number, meta: VideoFrameCallbackMetadata) => {
      const shownAt = Date.now() + (meta.expectedDisplayTime - performance.now());
      if (start) samples.push(shownAt - (start + meta.mediaTime * 1000));
      if (samples.length > SAMPLES) samples.shift();
      if (now - lastShown > 500 && samples.length) {
        lastShown = now;
        const sorted = [...samples].sort((a, b) => a - b);
        setLatency(sorted[Math.floor(sorted.length / 2)]);
      }
      frameCallback = v.requestVideoFrameCallback(onFrame);
    };
    frameCallback = v.requestVideoFrameCallback(onFrame);
    return () => {
      v.cancelVideoFrameCallback(frameCallback);
      close();
      player.dispose();
    };
  }, [runId, target, shown, ladder.length]);

  return (
    <section className="preview" aria-label="preview">
      <h3>Preview</h3>
      {ladder.length > 1 && (
        <label className="preview-rendition">
          Rendition{' '}
          <select aria-label="rendition" value={shown} onChange={(e) => setRendition(Number(e.target.value))}>
            {ladder.map((r, k) => (
              <option key={k} value={k}>
                {r.height}p · {r.bitrateKbps} kb/s{r.fps ? ` · ${r.fps} fps` : ''}
              </option>
            ))}
          </select>
        </label>
      )}
      {!runId && <p className="hint">Run the pipeline to watch this stream here.</p>}
      <video ref={video} muted autoPlay playsInline hidden={!runId || !!error} data-start-ms={info?.startMs} />
      {runId && !info && !error && <p className="hint">Waiting for the first keyframe…</p>}
      {info && (
        <p className="preview-info">
          <span className="preview-codec">{info.codec}</span> {info.width}×{info.height}
          {latency !== undefined && (
            <>
              {' · '}
              <span
                className="preview-latency"
                title="From capture (the burned-in clock of a test pattern) to display here"
              >
                {Math.round(latency)} ms behind capture
              </span>
            </>
          )}
        </p>
      )}
      {info?.proxy && <p className="preview-proxy hint">Shown as {info.proxy}.</p>}
      {ended && <p className="hint">The stream ended.</p>}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
