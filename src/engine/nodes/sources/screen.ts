/**
 * `screen`: the desktop, or a part of it. Linux: x11grab on an X display; macOS (avfoundation) and Windows
 * (gdigrab) by configuration.
 */
import { z } from 'zod';
import { defineNode } from '../../contract/spec';
import { screenInput } from '../../media/inputs';
import { mediaSource } from '../media/common';
import type { MediaNodeContext } from '../../contract/media';

const config = z.strictObject({
  display: z.string().optional().describe('Linux: the X display, e.g. :0 (by default $DISPLAY).'),
  x: z.number().int().min(0).default(0).describe('Left edge of the captured area.').meta({ unit: 'px' }),
  y: z.number().int().min(0).default(0).describe('Top edge of the captured area.').meta({ unit: 'px' }),
  width: z.number().int().min(16).max(7680).default(1280).describe('Width of the captured area.').meta({ unit: 'px' }),
  height: z.number().int().min(16).max(4320).default(720).describe('Height of the captured area.').meta({ unit: 'px' }),
  rate: z.number().int().min(1).max(240).default(30).describe('Frames per second.').meta({ unit: 'fps' }),
  cursor: z.boolean().default(true).describe('Draw the mouse pointer.'),
  format: z.string().optional().describe('Other systems: the ffmpeg input format (e.g. avfoundation, gdigrab).'),
  input: z.string().optional().describe('Other systems: the ffmpeg input name (e.g. "1:none", "desktop").'),
});

export default defineNode({
  type: 'screen',
  category: 'sources',
  title: 'Screen',
  description: 'Captures the screen or an area of it (x11grab on Linux; avfoundation / gdigrab elsewhere).',
  inputs: [],
  outputs: [
    { name: 'video', type: 'video/raw', description: 'Raw frames (they stay inside the ffmpeg process of the group).' },
  ],
  config,
  media: 'source',
  mediaHooks: { input: (cfg) => screenInput(cfg) },
  create(cfg, ctx: MediaNodeContext) {
    return {
      ...mediaSource(ctx, 'a screen capture'),
      open() {
        if (process.platform === 'linux' && !cfg.format && !cfg.display && !process.env.DISPLAY)
          throw new Error('no X display to capture: set display (e.g. :0) or start Sluice with DISPLAY set');
      },
    };
  },
});
