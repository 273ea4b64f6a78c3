/**
 * `microphone`: sound from a capture device (PulseAudio or ALSA on Linux), wired into an encoder's audio input and
 * encoded as AAC with the video.
 */
import { z } from 'zod';
import { defineNode } from '../../contract/spec';
import { microphoneInput } from '../../media/inputs';
import { mediaAudioSource } from '../media/common';
import type { MediaNodeContext } from '../../contract/media';

const config = z.strictObject({
  format: z
    .enum(['pulse', 'alsa', 'avfoundation', 'dshow'])
    .default('pulse')
    .describe('The sound system: pulse or alsa on Linux; avfoundation on macOS; dshow on Windows.'),
  device: z
    .string()
    .min(1)
    .default('default')
    .describe(
      'The device: default, an ALSA name like hw:0,0, a Pulse source, ":0" (avfoundation), audio=Name (dshow).',
    ),
});

export default defineNode({
  type: 'microphone',
  category: 'sources',
  title: 'Microphone',
  description: 'Sound from a microphone (PulseAudio or ALSA), encoded as AAC with the video of the encoder it feeds.',
  inputs: [],
  outputs: [
    { name: 'audio', type: 'audio/raw', description: 'Raw sound (it stays inside the ffmpeg process of the group).' },
  ],
  config,
  media: 'audio',
  mediaHooks: { input: (cfg) => microphoneInput(cfg) },
  create: (_cfg, ctx: MediaNodeContext) => mediaAudioSource(ctx),
});
