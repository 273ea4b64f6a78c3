/**
 * `camera`: a webcam or capture card. Linux: V4L2 (`/dev/videoN`, the devices are listed from the system in the
 * inspector); macOS avfoundation and Windows dshow by name or index.
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { defineNode } from '../../contract/spec';
import { cameraInput } from '../../media/inputs';
import { listMediaDevices } from '../../media/devices';
import { mediaSource } from '../media/common';
import type { MediaNodeContext } from '../../contract/media';

const config = z.strictObject({
  device: z
    .string()
    .min(1)
    .default('/dev/video0')
    .describe('Linux: /dev/videoN; macOS: the avfoundation index or name; Windows: the dshow name.'),
  width: z.number().int().min(16).max(7680).default(1280).describe('Capture width.').meta({ unit: 'px' }),
  height: z.number().int().min(16).max(4320).default(720).describe('Capture height.').meta({ unit: 'px' }),
  rate: z.number().int().min(1).max(240).default(30).describe('Frames per second.').meta({ unit: 'fps' }),
  format: z
    .enum(['v4l2', 'avfoundation', 'dshow'])
    .optional()
    .describe('The capture API (by default the system’s own).'),
});

export default defineNode({
  type: 'camera',
  category: 'sources',
  title: 'Camera',
  description: 'A webcam or capture card (V4L2 on Linux, avfoundation on macOS, dshow on Windows).',
  inputs: [],
  outputs: [
    { name: 'video', type: 'video/raw', description: 'Raw frames (they stay inside the ffmpeg process of the group).' },
  ],
  config,
  media: 'source',
  mediaHooks: { input: (cfg) => cameraInput(cfg) },
  create(cfg, ctx: MediaNodeContext) {
    return {
      ...mediaSource(ctx, 'a camera'),
      open() {
        if ((cfg.format ?? (process.platform === 'linux' ? 'v4l2' : '')) !== 'v4l2' || existsSync(cfg.device)) return;
        const found = listMediaDevices().cameras;
        throw new Error(
          `no camera at ${cfg.device}: ${found.length ? `cameras here: ${found.map((c) => `${c.device} (${c.name})`).join(', ')}` : 'this machine has no V4L2 camera (/sys/class/video4linux is empty)'}`,
        );
      },
    };
  },
});
