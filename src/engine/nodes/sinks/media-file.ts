/**
 * `media-file` sink: encoded video (and audio) into an MP4 (fragmented: playable even when cut short), Matroska or
 * MPEG-TS file. Written by the group's ffmpeg process.
 */
import { z } from 'zod';
import { defineNode } from '../../contract/spec';
import { fileOutput } from '../../media/command';
import { mediaMember } from '../media/common';
import type { MediaNodeContext } from '../../contract/media';

const config = z.strictObject({
  path: z
    .string()
    .min(1)
    .describe('The file to write (.mp4, .mkv or .ts); relative paths are taken from the working directory.'),
  container: z.enum(['mp4', 'mkv', 'ts']).optional().describe('The container; by default from the file extension.'),
});

export default defineNode({
  type: 'media-file',
  category: 'sinks',
  title: 'Media file',
  description:
    'Writes encoded video to an MP4, Matroska or MPEG-TS file. After a crash, the restarted process writes name-1.mp4, name-2.mp4, ...',
  inputs: [{ name: 'in', type: 'video/encoded', description: 'Encoded video, any codec.' }],
  outputs: [],
  config,
  media: 'sink',
  mediaHooks: { output: (cfg, place) => fileOutput(cfg, place.attempt) },
  create: (_cfg, ctx: MediaNodeContext) => mediaMember(ctx),
});
