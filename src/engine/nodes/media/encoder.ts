/**
 * `encoder`: H.264 or H.265, on a GPU encoder when one works here, else in software — and it says which and why
 * (the probe's chain of candidates with ffmpeg's reasons; see media/encoders.ts).
 */
import { z } from 'zod';
import { defineNode } from '../../contract/spec';
import { mediaMember } from './common';
import type { MediaNodeContext } from '../../contract/media';

const config = z.strictObject({
  codec: z
    .enum(['h264', 'hevc', 'copy'])
    .default('h264')
    .describe(
      'H.264 (plays everywhere), H.265/HEVC (smaller, fewer players), or copy: keep the source’s own encoding (a publisher’s stream or a file passed through unchanged, no re-encoding).',
    ),
  device: z
    .enum(['auto', 'gpu', 'cpu'])
    .default('auto')
    .describe('auto: a GPU encoder when one works, else software; gpu: fail without one; cpu: software.'),
  preset: z
    .enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow'])
    .default('veryfast')
    .describe('Speed against size (software encoders).'),
  rateControl: z
    .enum(['crf', 'cbr', 'vbr'])
    .default('crf')
    .describe('crf: constant quality; cbr: constant bitrate (streaming); vbr: variable bitrate with a cap.'),
  crf: z.number().int().min(0).max(51).default(23).describe('Quality for crf: lower is better and larger.'),
  bitrateKbps: z
    .number()
    .int()
    .min(50)
    .max(200_000)
    .default(2500)
    .describe('Bitrate for cbr and vbr.')
    .meta({ unit: 'kbit/s' }),
  gopFrames: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .optional()
    .describe('Keyframe interval (default two seconds of frames).')
    .meta({ unit: 'frames' }),
  profile: z.enum(['baseline', 'main', 'high']).optional().describe('H.264 profile (H.265: main).'),
  width: z.number().int().min(16).max(7680).optional().describe('Scale to this width first.').meta({ unit: 'px' }),
  height: z.number().int().min(16).max(4320).optional().describe('Scale to this height first.').meta({ unit: 'px' }),
  rate: z.number().int().min(1).max(240).optional().describe('Change the frame rate first.').meta({ unit: 'fps' }),
  renditions: z
    .array(
      z.strictObject({
        height: z
          .number()
          .int()
          .min(16)
          .max(4320)
          .describe('Picture height (the width follows the picture’s shape).')
          .meta({ unit: 'px' }),
        bitrateKbps: z.number().int().min(50).max(200_000).describe('Its bitrate.').meta({ unit: 'kbit/s' }),
        fps: z
          .number()
          .int()
          .min(1)
          .max(240)
          .optional()
          .describe('Its frame rate (by default the source’s).')
          .meta({ unit: 'fps' }),
      }),
    )
    .max(8)
    .optional()
    .describe(
      'An adaptive-bitrate ladder: every rendition made in this one process (decoded once, split, scaled, encoded), keyframes aligned; an HLS sink writes a variant for each and a master playlist, other outputs take the first.',
    ),
  lowLatency: z
    .boolean()
    .default(true)
    .describe(
      'No B-frames or look-ahead: each frame leaves the encoder at once (live); off: smaller files, about a second later.',
    ),
  restarts: z
    .number()
    .int()
    .min(0)
    .max(100)
    .default(3)
    .describe('Restart the group’s ffmpeg process this many times in a run when it crashes after it had started.'),
  restartBackoffMs: z
    .number()
    .int()
    .min(100)
    .max(60_000)
    .default(1000)
    .describe('Wait before the first restart; doubled after each, up to 30 s.')
    .meta({ unit: 'ms' }),
});

export default defineNode({
  type: 'encoder',
  category: 'media',
  title: 'Encoder',
  description:
    'Encodes video to H.264 or H.265, on the GPU when a GPU encoder works here, else in software, and says which and why.',
  inputs: [
    { name: 'in', type: 'video/raw', description: 'Raw frames.' },
    {
      name: 'audio',
      type: 'audio/raw',
      description: 'Sound from a microphone, encoded as AAC alongside (else the video source’s own sound, if any).',
    },
  ],
  outputs: [{ name: 'out', type: 'video/encoded({codec})', description: 'Encoded video in the configured codec.' }],
  config,
  media: 'encoder',
  lint(cfg, report) {
    if ((cfg.width === undefined) !== (cfg.height === undefined))
      report(cfg.width === undefined ? 'width' : 'height', 'set both width and height to scale, or neither');
    if (cfg.codec === 'copy')
      for (const f of ['renditions', 'width', 'height', 'rate', 'profile'] as const)
        if (cfg[f] !== undefined && !(f === 'renditions' && cfg.renditions?.length === 0))
          report(
            f,
            `copy keeps the source’s stream as it is: it cannot change its ${f === 'renditions' ? 'renditions' : f}`,
          );
    if (cfg.renditions?.length && (cfg.width !== undefined || cfg.height !== undefined || cfg.rate !== undefined))
      report('renditions', 'a ladder sets each rendition’s size and rate: leave width, height and rate empty');
    if (cfg.codec === 'hevc' && cfg.profile && cfg.profile !== 'main')
      report('profile', `H.265 has no "${cfg.profile}" profile here; use main or leave it empty`);
  },
  create(_cfg, ctx: MediaNodeContext) {
    const group = ctx.media;
    return {
      ...mediaMember(ctx),
      async open() {
        if (!group) throw new Error('an encoder must be fed by a media source and feed a media sink');
        const choice = await group.chooseEncoder();
        if (!choice.encoder) throw new Error(choice.error);
      },
    };
  },
});
