/**
 * `packager`: the encoded stream as bytes, out of the ffmpeg process and into the pipeline — fragmented MP4 (CMAF:
 * the init segment, then one record per fragment) or MPEG-TS (records of whole 188-byte packets) — for a file, a
 * Kafka topic or an archive downstream.
 */
import { z } from 'zod';
import { bytesItem, defineNode } from '../../contract/spec';
import { packagerOutput } from '../../media/command';
import { Fmp4Splitter } from '../../media/fmp4';
import { mediaMember } from './common';
import type { MediaNodeContext } from '../../contract/media';
import type { SourceContext } from '../../contract/node';

const config = z.strictObject({
  format: z
    .enum(['cmaf', 'mpegts'])
    .default('cmaf')
    .describe('Fragmented MP4 (CMAF): an init segment, then a record per fragment; or MPEG-TS.'),
  fragmentMs: z
    .number()
    .int()
    .min(0)
    .max(60_000)
    .default(0)
    .describe('CMAF: cut fragments at most this long (0: one fragment per keyframe interval).')
    .meta({ unit: 'ms' }),
});

/** MPEG-TS records: whole packets, up to about 64 KiB each. */
const TS_PACKET = 188;

export default defineNode({
  type: 'packager',
  category: 'media',
  title: 'Packager',
  description:
    'Packages encoded video as CMAF (fragmented MP4) fragments or MPEG-TS, as bytes for the rest of the pipeline.',
  inputs: [{ name: 'in', type: 'video/encoded', description: 'Encoded video, any codec.' }],
  outputs: [
    {
      name: 'out',
      type: 'bytes',
      description: 'CMAF: the init segment, then one record per fragment; MPEG-TS: whole packets.',
    },
  ],
  config,
  media: 'packager',
  mediaHooks: { output: (cfg, place) => packagerOutput(cfg.format, place.fd, cfg.fragmentMs) },
  create(cfg, ctx: MediaNodeContext & SourceContext) {
    const group = ctx.media;
    return {
      ...mediaMember(ctx),
      async run() {
        if (!group) throw new Error('a packager must be fed by an encoder');
        const out: Uint8Array[] = [];
        // When the first frame of the batch was captured: the process's start plus its media time (what the
        // burned-in clock shows), for the latency waterfall.
        let firstFrame: number | undefined;
        const split = new Fmp4Splitter((part) => {
          out.push(part.data);
          if (part.kind === 'fragment' && firstFrame === undefined) firstFrame = part.time;
        });
        let rest = new Uint8Array(0);
        for await (const chunk of group.packagerStream(ctx.nodeId)) {
          if (cfg.format === 'cmaf') split.push(chunk);
          else {
            const all = rest.length ? Buffer.concat([rest, chunk]) : chunk;
            const whole = all.length - (all.length % TS_PACKET);
            if (whole > 0) out.push(all.subarray(0, whole));
            rest = all.slice(whole);
          }
          if (out.length === 0) continue;
          const batch = out.splice(0).map(bytesItem);
          const wait =
            firstFrame === undefined
              ? ctx.emit('out', batch)
              : ctx.emitCaptured('out', batch, group.startedAt + firstFrame * 1000);
          firstFrame = undefined;
          if (wait) await wait;
        }
      },
    };
  },
});
