/**
 * The streams of the running pipeline: the live preview of its video, and a watch on a wire.
 */
import type { StudioStreamServers } from '../../shared/api';
import type { RunService } from './runs';

export class RunStreams implements Pick<StudioStreamServers, 'preview' | 'tap'> {
  constructor(private readonly runs: RunService) {}

  /** The `preview` stream: the running media group of a wire or node, as base64 fMP4 chunks. */
  preview([target, rendition]: [string, number?], out: Parameters<StudioStreamServers['preview']>[1]): () => void {
    const flow = this.runs.flow;
    if (!flow) {
      out.end('nothing is running: run the pipeline to preview its video');
      return () => undefined;
    }
    // A media group's encoded stream, or a node that carries video of its own (a Kafka source of fMP4 fragments).
    const found = flow.previewOf(target, rendition);
    if ('error' in found) {
      out.end(found.error);
      return () => undefined;
    }
    const { tap, nodes } = found;
    const b64 = (d: Uint8Array) => Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('base64');
    return tap.watch({
      send: (part) => {
        if (part.kind === 'end') out.end();
        else if (part.kind === 'init')
          out.send({
            kind: 'init',
            codec: part.codec,
            width: part.width,
            height: part.height,
            proxy: part.proxy,
            startMs: tap.startMs,
            nodes,
            data: b64(part.data),
          });
        else out.send({ kind: 'fragment', keyframe: part.keyframe, time: part.time, data: b64(part.data) });
      },
      congested: () => out.congested(),
    });
  }

  /** The `tap` stream: a sample of what passes a wire of the running pipeline. */
  tap(
    [edgeId, filter, perSecond]: [string, string, number],
    out: Parameters<StudioStreamServers['tap']>[1],
  ): () => void {
    const flow = this.runs.flow;
    if (!flow) {
      out.end('nothing is running: run the pipeline to watch a wire');
      return () => undefined;
    }
    let close: () => void;
    try {
      close = flow.tap(edgeId, filter, perSecond, (chunk) => out.send(chunk));
    } catch (err) {
      out.end((err as Error).message);
      return () => undefined;
    }
    let open = true;
    const stop = () => {
      if (!open) return false;
      open = false;
      close();
      return true;
    };
    // The run ends: so does the watch (after the last chunk).
    void flow.done.finally(() => stop() && out.end());
    return stop;
  }
}
