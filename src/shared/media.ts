/**
 * The encoder probe's result and the choice of an encoder from it: shared by the engine (which probes and runs)
 * and the studio (which shows the whole chain, and what a node's codec and device settings would pick).
 */
export type VideoCodec = 'h264' | 'hevc';
export type EncoderDevice = 'auto' | 'gpu' | 'cpu';

export interface EncoderTrial {
  encoder: string;
  label: string;
  hardware: boolean;
  ok: boolean;
  /** Why it cannot be used, in ffmpeg's words where ffmpeg gave them. */
  reason?: string;
}

export interface CodecProbe {
  codec: VideoCodec;
  trials: EncoderTrial[];
}

export interface EncoderProbe {
  ffmpegVersion: string;
  machine: string;
  probedAt: string;
  codecs: Record<VideoCodec, CodecProbe>;
}

export interface EncoderChoice {
  /** The encoder to use, when one fits. */
  encoder?: string;
  label?: string;
  hardware?: boolean;
  /** Every candidate tried, in order, with why each before the chosen one was passed over. */
  chain: EncoderTrial[];
  /** Why nothing fits (`device: gpu` with no working GPU encoder, or no working encoder at all). */
  error?: string;
  /** One line for the node and the inspector: what is used and why. */
  summary: string;
}

/** The encoder a node with `codec` and `device` uses, given a probe, and the explanation to show. */
export function chooseEncoder(probe: EncoderProbe, codec: VideoCodec, device: EncoderDevice): EncoderChoice {
  const chain = probe.codecs[codec].trials;
  const fits = (t: EncoderTrial) => t.ok && (device === 'auto' || (device === 'gpu') === t.hardware);
  const chosen = chain.find(fits);
  const failedHardware = chain.filter((t) => t.hardware && !t.ok);
  const why = failedHardware.map((t) => `${t.encoder}: ${t.reason}`).join('; ');
  if (!chosen) {
    const error =
      device === 'gpu'
        ? `no GPU encoder for ${codec} works on this machine (${why}); set device to auto to fall back to software, or cpu`
        : `no ${device === 'cpu' ? 'software ' : ''}encoder for ${codec} works with this ffmpeg (${chain.map((t) => `${t.encoder}: ${t.reason}`).join('; ')})`;
    return { chain, error, summary: error };
  }
  const summary = chosen.hardware
    ? `${chosen.encoder} (${chosen.label}, on the GPU)`
    : device === 'cpu'
      ? `${chosen.encoder} (${chosen.label}): device is set to cpu`
      : `${chosen.encoder} (${chosen.label}): no GPU encoder works here — ${why}`;
  return { encoder: chosen.encoder, label: chosen.label, hardware: chosen.hardware, chain, summary };
}

/** Capture devices found on the engine's machine (Linux: V4L2, X, ALSA). */
export interface MediaDevices {
  platform: string;
  cameras: { device: string; name: string }[];
  microphones: { format: string; device: string; name: string }[];
  screens: { display: string; name: string }[];
}
