/**
 * `hls` sink: an HLS playlist and its segments in a folder, written by the group's ffmpeg process — what a CDN or
 * any HLS player serves from.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { defineNode } from '../../contract/spec';
import { hlsOutput } from '../../media/command';
import { mediaMember } from '../media/common';
import type { MediaNodeContext } from '../../contract/media';

const config = z.strictObject({
  dir: z
    .string()
    .min(1)
    .describe(
      'The folder for the playlist and segments (created if missing); relative paths are taken from the working directory.',
    ),
  playlist: z
    .string()
    .regex(/^[\w.-]+\.m3u8$/, 'a file name ending in .m3u8')
    .default('index.m3u8')
    .describe('The playlist’s file name.'),
  segmentSeconds: z
    .number()
    .positive()
    .max(60)
    .default(2)
    .describe('Target segment length (segments start at keyframes, so at least the keyframe interval).')
    .meta({ unit: 's' }),
  listSize: z
    .number()
    .int()
    .min(0)
    .max(10_000)
    .default(0)
    .describe(
      'Segments in the playlist: 0 keeps them all (a recording); N keeps a live window of N and deletes older segments.',
    ),
  segmentType: z
    .enum(['mpegts', 'fmp4'])
    .default('mpegts')
    .describe('MPEG-TS segments (plays everywhere) or fragmented MP4 (CMAF).'),
  masterPlaylist: z
    .string()
    .regex(/^[\w.-]+\.m3u8$/, 'a file name ending in .m3u8')
    .default('master.m3u8')
    .describe(
      'With an encoder ladder (renditions): the master playlist naming a variant per rendition (each in its folder v0/, v1/, …).',
    ),
});

export default defineNode({
  type: 'hls',
  category: 'sinks',
  title: 'HLS',
  description:
    'Publishes encoded video as an HLS playlist and segments in a folder; an encoder ladder as a master playlist with a variant per rendition.',
  inputs: [{ name: 'in', type: 'video/encoded', description: 'Encoded video, any codec.' }],
  outputs: [],
  config,
  media: 'sink',
  mediaHooks: {
    output: (cfg, place) => hlsOutput({ ...cfg, dir: resolve(cfg.dir) }, place.attempt, place.streams),
  },
  create(cfg, ctx: MediaNodeContext) {
    return {
      ...mediaMember(ctx),
      open() {
        mkdirSync(resolve(cfg.dir), { recursive: true });
      },
    };
  },
});
