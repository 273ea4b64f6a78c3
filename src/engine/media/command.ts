/**
 * A chain of media nodes — a source, an encoder, a sink — written as ONE ffmpeg command: raw frames never pass
 * through Node. The command is an argument array, exactly what runs, so the studio can show it and export it.
 */
import type { EncoderDevice, VideoCodec } from './encoders';

export interface TestPatternConfig {
  width: number;
  height: number;
  /** Frames per second. */
  rate: number;
  /** Stop after this many seconds (endless when absent). */
  duration?: number;
  /** Stop after this many frames (endless when absent). */
  frames?: number;
  /** Burn the wall-clock time (ms) into the picture, for reading latency back. */
  timestamp: boolean;
  /** A sine tone as the audio track. */
  audio: boolean;
  /** Paced at its frame rate, as a camera is; off, as fast as the encoder goes (benchmarks). */
  realtime: boolean;
}

export type RateControl = 'crf' | 'cbr' | 'vbr';

export interface EncoderConfig {
  codec: VideoCodec;
  device: EncoderDevice;
  preset: string;
  rateControl: RateControl;
  /** Constant rate factor (rateControl crf): lower is better quality. */
  crf: number;
  /** Target bitrate in kbit/s (rateControl cbr / vbr). */
  bitrateKbps: number;
  /** Keyframe interval in frames (a GOP); by default two seconds of frames. */
  gopFrames?: number;
  profile?: string;
  /** Scale to this size before encoding. */
  width?: number;
  height?: number;
  /** Change the frame rate before encoding. */
  rate?: number;
}

export type Container = 'mp4' | 'mkv' | 'ts';

export interface MediaFileSinkConfig {
  path: string;
  container?: Container;
}

/** The container of a file sink: as configured, else from the file's extension. */
export function containerOf(sink: MediaFileSinkConfig): Container {
  if (sink.container) return sink.container;
  const ext = /\.([a-z0-9]+)$/i.exec(sink.path)?.[1]?.toLowerCase();
  if (ext === 'mkv') return 'mkv';
  if (ext === 'ts') return 'ts';
  return 'mp4';
}

const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

function sourceArgs(src: TestPatternConfig, startMs: number): string[] {
  const args: string[] = [];
  if (src.realtime) args.push('-re');
  let video = `testsrc2=size=${src.width}x${src.height}:rate=${src.rate}`;
  if (src.timestamp) {
    // The UTC time of day in milliseconds at which the frame is due (start plus the frame's time; the time of
    // day, as a whole epoch time would not fit drawtext's integers), big and boxed so it reads back reliably.
    video += `,drawtext=fontfile=${FONT}:text='%{eif\\:1000*t+${startMs % 86_400_000}\\:d}':x=16:y=16:fontsize=${Math.max(16, Math.round(src.height / 12))}:fontcolor=white:box=1:boxcolor=black@0.7`;
  }
  args.push('-f', 'lavfi', '-i', video);
  if (src.audio) args.push('-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000');
  return args;
}

function encoderArgs(enc: EncoderConfig, encoder: string, inputRate: number): string[] {
  const args: string[] = [];
  const filters: string[] = [];
  if (enc.width && enc.height) filters.push(`scale=${enc.width}:${enc.height}`);
  if (enc.rate) filters.push(`fps=${enc.rate}`);
  if (filters.length) args.push('-vf', filters.join(','));
  args.push('-c:v', encoder);
  const software = encoder === 'libx264' || encoder === 'libx265';
  if (software) args.push('-preset', enc.preset);
  const gop = enc.gopFrames ?? Math.round((enc.rate ?? inputRate) * 2);
  args.push('-g', String(gop), '-keyint_min', String(gop));
  if (encoder === 'libx264') args.push('-sc_threshold', '0');
  const x265: string[] = ['log-level=error'];
  if (encoder === 'libx265') x265.push(`keyint=${gop}`, `min-keyint=${gop}`, 'scenecut=0');
  const k = enc.bitrateKbps;
  if (enc.rateControl === 'crf') {
    if (software) args.push('-crf', String(enc.crf));
    else args.push('-cq', String(enc.crf));
  } else if (enc.rateControl === 'cbr') {
    args.push('-b:v', `${k}k`, '-minrate', `${k}k`, '-maxrate', `${k}k`, '-bufsize', `${2 * k}k`);
    if (encoder === 'libx264') args.push('-x264-params', 'nal-hrd=cbr');
    if (encoder === 'libx265') x265.push('strict-cbr=1');
  } else {
    args.push('-b:v', `${k}k`, '-maxrate', `${Math.round(k * 1.5)}k`, '-bufsize', `${2 * k}k`);
  }
  if (encoder === 'libx265') args.push('-x265-params', x265.join(':'));
  if (enc.profile) args.push('-profile:v', enc.profile);
  args.push('-pix_fmt', 'yuv420p');
  return args;
}

function sinkArgs(sink: MediaFileSinkConfig, audio: boolean): string[] {
  const args: string[] = [];
  if (audio) args.push('-c:a', 'aac', '-b:a', '128k');
  switch (containerOf(sink)) {
    case 'mp4':
      // Fragmented: a file cut short by a crash or a kill is still playable up to its last fragment.
      args.push('-f', 'mp4', '-movflags', '+frag_keyframe+empty_moov+default_base_moof');
      break;
    case 'mkv':
      args.push('-f', 'matroska');
      break;
    case 'ts':
      args.push('-f', 'mpegts');
      break;
  }
  args.push('-y', sink.path);
  return args;
}

export interface MediaChain {
  source: TestPatternConfig;
  encoder: EncoderConfig;
  /** The encoder the probe chose for the encoder node (see chooseEncoder). */
  encoderName: string;
  sink: MediaFileSinkConfig;
}

/**
 * The ffmpeg arguments for a chain (without the binary). `-progress pipe:1` reports frames, fps, bitrate and
 * dropped/duplicated frames on stdout for the node's metrics; errors only on stderr.
 */
export function chainCommand(chain: MediaChain, startMs = Date.now()): string[] {
  const { source, encoder, sink } = chain;
  const limits: string[] = [];
  if (source.frames !== undefined) limits.push('-frames:v', String(source.frames));
  if (source.duration !== undefined) limits.push('-t', String(source.duration));
  const audio = source.audio ? ['-map', '0:v:0', '-map', '1:a:0', '-shortest'] : [];
  const args = [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-progress',
    'pipe:1',
    '-nostats',
    ...sourceArgs(source, startMs),
    ...audio,
    ...encoderArgs(encoder, chain.encoderName, source.rate),
    ...limits,
    ...sinkArgs(sink, source.audio),
  ];
  return args;
}

/** A command as a POSIX shell line (for "Show ffmpeg command" and the exported script). */
export function shellLine(binary: string, args: readonly string[]): string {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return [binary, ...args].map(quote).join(' ');
}
