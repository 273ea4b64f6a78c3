/**
 * `media-file-source`: any file ffmpeg reads (MP4, MKV, TS, WebM, ...), once or looped, at its own pace as a live
 * source or as fast as the encoder goes. Read by the group's ffmpeg process; a file it cannot read is a clear
 * error at start.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { defineNode } from '../../contract/spec';
import { fileInput } from '../../media/inputs';
import { mediaSource } from '../media/common';
import type { MediaNodeContext } from '../../contract/media';

const config = z.strictObject({
  path: z.string().min(1).describe('The file to read; relative paths are taken from the working directory.'),
  loop: z.boolean().default(false).describe('Start again from the beginning at the end, endlessly.'),
  realtime: z
    .boolean()
    .default(true)
    .describe('Read at the file’s own pace, as a live source; off, as fast as the encoder goes.'),
  audio: z.boolean().default(true).describe('Take the file’s sound (its first audio stream) when it has one.'),
  rate: z
    .number()
    .int()
    .min(1)
    .max(240)
    .default(30)
    .describe('The file’s frame rate, for the default keyframe interval.')
    .meta({ unit: 'fps' }),
});

export default defineNode({
  type: 'media-file-source',
  category: 'sources',
  title: 'Media file (read)',
  description: 'Plays a video file ffmpeg can read (MP4, MKV, TS, WebM, ...) as a source, once or looped.',
  inputs: [],
  outputs: [
    {
      name: 'video',
      type: 'video/raw',
      description: 'Decoded frames (they stay inside the ffmpeg process of the group).',
    },
  ],
  config,
  media: 'source',
  mediaHooks: { input: (cfg) => fileInput({ ...cfg, path: resolve(cfg.path) }) },
  create(cfg, ctx: MediaNodeContext) {
    const source = mediaSource(ctx, 'a media file source');
    return {
      ...source,
      open() {
        const path = resolve(cfg.path);
        try {
          accessSync(path, constants.R_OK);
        } catch (err) {
          throw new Error(
            `cannot read ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
          );
        }
        if (!statSync(path).isFile()) throw new Error(`${path} is not a file`);
      },
    };
  },
});
