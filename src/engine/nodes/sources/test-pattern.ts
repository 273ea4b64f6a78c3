/**
 * `test-pattern` source: ffmpeg's testsrc2 picture (and a sine tone), as a camera would deliver frames. It runs
 * its media group — itself, an encoder, a file — as one ffmpeg process (see media/group.ts).
 */
import { z } from 'zod';
import { defineNode } from '../../contract/spec';
import { testPatternInput } from '../../media/inputs';
import { mediaSource } from '../media/common';
import type { MediaNodeContext } from '../../contract/media';

const config = z.strictObject({
  width: z.number().int().min(16).max(7680).default(1280).describe('Picture width.').meta({ unit: 'px' }),
  height: z.number().int().min(16).max(4320).default(720).describe('Picture height.').meta({ unit: 'px' }),
  rate: z.number().int().min(1).max(240).default(30).describe('Frames per second.').meta({ unit: 'fps' }),
  duration: z
    .number()
    .positive()
    .optional()
    .describe('Stop after this many seconds (endless when empty).')
    .meta({ unit: 's' }),
  frames: z.number().int().positive().optional().describe('Stop after this many frames (endless when empty).'),
  timestamp: z
    .boolean()
    .default(true)
    .describe('Burn the time of day in milliseconds into the picture (to read latency back).'),
  clockCode: z
    .boolean()
    .default(false)
    .describe('Burn the clock in as a row of squares too, for a program to read back (the latency benchmark does).'),
  audio: z.boolean().default(false).describe('Add a 440 Hz tone as the audio track.'),
  realtime: z
    .boolean()
    .default(true)
    .describe('Deliver frames at their rate, as a camera does; off, as fast as the encoder goes.'),
});

export default defineNode({
  type: 'test-pattern',
  category: 'sources',
  title: 'Test pattern',
  description:
    'A moving test picture with a burned-in clock (ffmpeg testsrc2), and optionally a tone: a camera for testing.',
  inputs: [],
  outputs: [
    { name: 'video', type: 'video/raw', description: 'Raw frames (they stay inside the ffmpeg process of the group).' },
  ],
  config,
  media: 'source',
  mediaHooks: { input: (cfg, startMs) => testPatternInput(cfg, startMs) },
  create: (_cfg, ctx: MediaNodeContext) => mediaSource(ctx, 'a test pattern'),
});
