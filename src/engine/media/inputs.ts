/**
 * The sources of a media group as ffmpeg inputs: a test pattern (with the burned-in clock code the latency
 * checks read back), a file, a screen, a camera, a microphone.
 */
import type { IngestProtocol } from '../../shared/ingest';

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
  /** Burn it in as a code of squares too, for a program to read back (see clockCodeLayout). */
  clockCode?: boolean;
  /** A sine tone as the audio track. */
  audio: boolean;
  /** Paced at its frame rate, as a camera is; off, as fast as the encoder goes (benchmarks). */
  realtime: boolean;
}

const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

/** How a live source is listened for, as the group needs to know it to run it. */
export interface LiveInput {
  protocol: IngestProtocol;
  /** Where publishers connect, as they type it (no passphrase). */
  url: string;
  host: string;
  port: number;
  app: string;
  key: string;
  /** The position of the `-i` value in the input's args. */
  inputAt: number;
  passphraseName?: string;
  tls?: { certFile: string; keyFile: string };
}

/**
 * One source of a media group, as ffmpeg input options. Stream specifiers in `video`/`audio` count inputs from this
 * source's first (`0:v:0`); the group renumbers them when it puts sources together.
 */
export interface MediaInput {
  /** Input options and `-i`, for one or more ffmpeg inputs. */
  args: string[];
  /** How many `-i` are in `args`. */
  inputs: number;
  /** The video stream, e.g. `0:v:0`. */
  video?: string;
  /** The audio stream, e.g. `1:a:0`, or `0:a:0?` where a file may have none. */
  audio?: string;
  /** Frames per second of the video, for the default keyframe interval. */
  rate: number;
  /** Output options that end the stream (`-frames:v`, `-t`). */
  limits: string[];
  /** A live ingest: listened for, publishers come and go (see ingest.ts). */
  live?: LiveInput;
}

/**
 * Where a test pattern's clock is burned in as a code a program reads back: `bits` squares of `size` pixels in a
 * row from (x, y), most significant first, white for 1 on a black strip — the same time of day in milliseconds as
 * the digits above it. Undefined where the picture is too small to hold it.
 */
export interface ClockCode {
  x: number;
  y: number;
  size: number;
  bits: number;
}

/** Milliseconds in a day fit in 27 bits. */
const CLOCK_BITS = 27;

export function clockCodeLayout(width: number, height: number): ClockCode | undefined {
  const fontsize = Math.max(16, Math.round(height / 12));
  const size = Math.min(Math.round(height / 40), Math.floor((width - 40) / CLOCK_BITS));
  if (size < 6) return undefined;
  return { x: 20, y: 16 + Math.round(fontsize * 1.6), size, bits: CLOCK_BITS };
}

/** The clock as drawbox filters: a black strip, then a white square for each bit that is 1 in this frame. */
function clockCodeFilters(code: ClockCode, offsetMs: number): string[] {
  const { x, y, size, bits } = code;
  const boxes = [`drawbox=x=${x - 4}:y=${y - 4}:w=${bits * size + 8}:h=${size + 8}:color=black:t=fill`];
  for (let k = bits - 1; k >= 0; k--) {
    boxes.push(
      `drawbox=x=${x + (bits - 1 - k) * size}:y=${y}:w=${size}:h=${size}:color=white:t=fill:enable='eq(mod(floor((1000*t+${offsetMs})/${2 ** k}),2),1)'`,
    );
  }
  return boxes;
}

export function testPatternInput(src: TestPatternConfig, startMs: number): MediaInput {
  const args: string[] = [];
  if (src.realtime) args.push('-re');
  let video = `testsrc2=size=${src.width}x${src.height}:rate=${src.rate}`;
  if (src.timestamp) {
    // The UTC time of day in milliseconds at which the frame is due (start plus the frame's time; the time of
    // day, as a whole epoch time would not fit drawtext's integers), big and boxed so it reads back reliably,
    // and below it the same as a code a program reads (see clockCodeLayout).
    const offset = startMs % 86_400_000;
    video += `,drawtext=fontfile=${FONT}:text='%{eif\\:1000*t+${offset}\\:d}':x=16:y=16:fontsize=${Math.max(16, Math.round(src.height / 12))}:fontcolor=white:box=1:boxcolor=black@0.7`;
    const code = src.clockCode ? clockCodeLayout(src.width, src.height) : undefined;
    if (code) video += `,${clockCodeFilters(code, offset).join(',')}`;
  }
  args.push('-f', 'lavfi', '-i', video);
  if (src.audio) args.push('-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000');
  const limits: string[] = [];
  if (src.frames !== undefined) limits.push('-frames:v', String(src.frames));
  if (src.duration !== undefined) limits.push('-t', String(src.duration));
  return {
    args,
    inputs: src.audio ? 2 : 1,
    video: '0:v:0',
    audio: src.audio ? '1:a:0' : undefined,
    rate: src.rate,
    limits,
  };
}

export interface FileSourceConfig {
  path: string;
  /** Start again at the end, endlessly. */
  loop: boolean;
  /** Read at the file's own pace, as a live source; off, as fast as the encoder goes. */
  realtime: boolean;
  /** Take the file's audio (the first audio stream) when it has one. */
  audio: boolean;
  /** Frames per second to assume for the keyframe interval (ffmpeg keeps the file's own rate). */
  rate: number;
}

export function fileInput(src: FileSourceConfig): MediaInput {
  const args: string[] = [];
  if (src.realtime) args.push('-re');
  if (src.loop) args.push('-stream_loop', '-1');
  args.push('-i', src.path);
  return { args, inputs: 1, video: '0:v:0', audio: src.audio ? '0:a:0?' : undefined, rate: src.rate, limits: [] };
}

export interface ScreenConfig {
  /** The X display, e.g. `:0.0`; empty: $DISPLAY. */
  display?: string;
  x: number;
  y: number;
  width: number;
  height: number;
  rate: number;
  cursor: boolean;
  /** Other systems: the ffmpeg input format and name (e.g. avfoundation "1", gdigrab "desktop"). */
  format?: string;
  input?: string;
}

export function screenInput(src: ScreenConfig, platform: NodeJS.Platform = process.platform): MediaInput {
  const size = ['-video_size', `${src.width}x${src.height}`];
  const base = { inputs: 1, video: '0:v:0', rate: src.rate, limits: [] };
  if (src.format)
    return { ...base, args: ['-f', src.format, '-framerate', String(src.rate), ...size, '-i', src.input ?? ''] };
  if (platform === 'darwin')
    return {
      ...base,
      args: [
        '-f',
        'avfoundation',
        '-framerate',
        String(src.rate),
        '-capture_cursor',
        src.cursor ? '1' : '0',
        '-i',
        src.input ?? '1:none',
      ],
    };
  if (platform === 'win32')
    return {
      ...base,
      args: [
        '-f',
        'gdigrab',
        '-framerate',
        String(src.rate),
        '-offset_x',
        String(src.x),
        '-offset_y',
        String(src.y),
        ...size,
        '-draw_mouse',
        src.cursor ? '1' : '0',
        '-i',
        'desktop',
      ],
    };
  const display = src.display || process.env.DISPLAY || ':0';
  return {
    ...base,
    args: [
      '-f',
      'x11grab',
      '-framerate',
      String(src.rate),
      ...size,
      '-draw_mouse',
      src.cursor ? '1' : '0',
      '-i',
      `${display}+${src.x},${src.y}`,
    ],
  };
}

export interface CameraConfig {
  /** The device: /dev/videoN on Linux, an index or name elsewhere. */
  device: string;
  width: number;
  height: number;
  rate: number;
  /** Other systems: the ffmpeg input format (avfoundation, dshow). */
  format?: string;
}

export function cameraInput(src: CameraConfig, platform: NodeJS.Platform = process.platform): MediaInput {
  const format = src.format ?? (platform === 'darwin' ? 'avfoundation' : platform === 'win32' ? 'dshow' : 'v4l2');
  const device = format === 'dshow' && !src.device.startsWith('video=') ? `video=${src.device}` : src.device;
  return {
    args: ['-f', format, '-framerate', String(src.rate), '-video_size', `${src.width}x${src.height}`, '-i', device],
    inputs: 1,
    video: '0:v:0',
    rate: src.rate,
    limits: [],
  };
}

export interface MicrophoneConfig {
  /** pulse or alsa on Linux; avfoundation / dshow elsewhere. */
  format: string;
  /** The device: `default`, an ALSA name like `hw:0`, a Pulse source, ... */
  device: string;
}

export function microphoneInput(src: MicrophoneConfig): MediaInput {
  return { args: ['-f', src.format, '-i', src.device], inputs: 1, audio: '0:a:0', rate: 0, limits: [] };
}
