/**
 * A chain of media nodes — a source, an encoder, a sink — written as ONE ffmpeg command: raw frames never pass
 * through Node. The command is an argument array, exactly what runs, so the studio can show it and export it.
 */
import type { EncoderDevice, VideoCodec } from './encoders';
import { testPatternInput, type MediaInput, type TestPatternConfig } from './inputs';

export type { MediaInput };

export type RateControl = 'crf' | 'cbr' | 'vbr';

/** One rung of an adaptive-bitrate ladder: its height (width follows the picture), bitrate and frame rate. */
export interface Rendition {
  height: number;
  bitrateKbps: number;
  /** Frames per second (by default the source's). */
  fps?: number;
}

export interface EncoderConfig {
  /** copy: the source's packets as they are (no encoder). */
  codec: VideoCodec | 'copy';
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
  /** No B-frames or look-ahead (software encoders' zerolatency tune): frames leave the encoder at once. */
  lowLatency?: boolean;
  /** An adaptive-bitrate ladder: every rendition made in the same process (decoded once, split, scaled, encoded). */
  renditions?: Rendition[];
}

/** The ladder of an encoder: its renditions, or none (one stream, as configured). */
export const ladderOf = (enc: EncoderConfig): Rendition[] =>
  enc.renditions && enc.renditions.length > 0 ? enc.renditions : [];

/**
 * A ladder's video as ffmpeg arguments: the decoded picture split once per rendition, each scaled (and its frame rate
 * changed) in one filter graph, then encoded with its own bitrate. Keyframes every two seconds in every rendition,
 * never at scene cuts: the renditions' segments start at the same instants, so a player can switch between them.
 */
function ladderArgs(
  ladder: Rendition[],
  enc: EncoderConfig,
  encoder: string,
  video: string,
  inputRate: number,
): string[] {
  const n = ladder.length;
  const graph = [
    `[${video}]split=${n}${ladder.map((_, i) => `[s${i}]`).join('')}`,
    ...ladder.map((r, i) => `[s${i}]scale=-2:${r.height}${r.fps ? `,fps=${r.fps}` : ''}[r${i}]`),
  ].join(';');
  const args = ['-filter_complex', graph, ...ladder.flatMap((_, i) => ['-map', `[r${i}]`])];
  return [...args, ...ladder.flatMap((r, i) => renditionArgs(r, i, enc, encoder, inputRate))];
}

function renditionArgs(r: Rendition, i: number, enc: EncoderConfig, encoder: string, inputRate: number): string[] {
  const v = `:v:${i}`;
  const software = encoder === 'libx264' || encoder === 'libx265';
  const gop = String(Math.round((r.fps ?? enc.rate ?? inputRate) * 2));
  const k = r.bitrateKbps;
  const args = [`-c${v}`, encoder];
  if (software) args.push(`-preset${v}`, enc.preset);
  if (software && enc.lowLatency) args.push(`-tune${v}`, 'zerolatency');
  args.push(`-g${v}`, gop, `-keyint_min${v}`, gop);
  if (encoder === 'libx264') args.push(`-sc_threshold${v}`, '0');
  args.push(`-b${v}`, `${k}k`, `-bufsize${v}`, `${2 * k}k`);
  if (enc.rateControl === 'cbr') args.push(`-minrate${v}`, `${k}k`, `-maxrate${v}`, `${k}k`);
  else args.push(`-maxrate${v}`, `${Math.round(k * 1.5)}k`);
  if (enc.rateControl === 'cbr' && encoder === 'libx264') args.push(`-x264-params${v}`, 'nal-hrd=cbr');
  const x265 = ['log-level=error'];
  if (encoder === 'libx265') x265.push(`keyint=${gop}`, `min-keyint=${gop}`, 'scenecut=0');
  if (encoder === 'libx265') args.push(`-x265-params${v}`, x265.join(':'));
  if (enc.profile) args.push(`-profile${v}`, enc.profile);
  args.push(`-pix_fmt${v}`, 'yuv420p');
  return args;
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

function encoderArgs(enc: EncoderConfig, encoder: string, inputRate: number): string[] {
  // The source's own packets, unchanged (a publisher's H.264 passed through).
  if (encoder === 'copy') return ['-c:v', 'copy'];
  const args: string[] = [];
  const filters: string[] = [];
  if (enc.width && enc.height) filters.push(`scale=${enc.width}:${enc.height}`);
  if (enc.rate) filters.push(`fps=${enc.rate}`);
  if (filters.length) args.push('-vf', filters.join(','));
  args.push('-c:v', encoder);
  const software = encoder === 'libx264' || encoder === 'libx265';
  if (software) args.push('-preset', enc.preset);
  // Live: no B-frames and no look-ahead, so that a frame leaves the encoder as soon as it is in (x264/x265's
  // zerolatency tune); the price is some compression.
  if (software && enc.lowLatency) args.push('-tune', 'zerolatency');
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

/** One output of a group: a muxer, its options and where it writes (a path, or `pipe:N` for a pipe Sluice reads). */
export interface MediaOutput {
  format: string;
  options: [string, string][];
  target: string;
  /** Only the video stream (the preview: a player is given one track). */
  videoOnly?: boolean;
  /** Takes every rendition of a ladder (HLS: one variant each); other outputs take the first… */
  allRenditions?: boolean;
  /** …or this one (the preview of a rendition). */
  rendition?: number;
}

/** Fragmented MP4: playable even when cut short; with `everyFrame`, a fragment per frame (live preview). */
const FMP4 = '+frag_keyframe+empty_moov+default_base_moof';

/** A `media-file` sink's output. `attempt` > 0 (a restart after a crash) writes `name-<attempt>.ext` instead of overwriting. */
export function fileOutput(sink: MediaFileSinkConfig, attempt = 0): MediaOutput {
  const target = attempt > 0 ? sink.path.replace(/(\.[^./\\]+)?$/, (ext) => `-${attempt}${ext}`) : sink.path;
  switch (containerOf(sink)) {
    case 'mp4':
      // Each fragment reaches the file when it is cut, not when ffmpeg's write buffer is full.
      return {
        format: 'mp4',
        options: [
          ['movflags', FMP4],
          ['flush_packets', '1'],
        ],
        target,
      };
    case 'mkv':
      return { format: 'matroska', options: [], target };
    case 'ts':
      return { format: 'mpegts', options: [], target };
  }
}

export interface HlsSinkConfig {
  /** The folder for the playlist and its segments. */
  dir: string;
  playlist: string;
  segmentSeconds: number;
  /** Segments kept in the playlist (0: all, a recording; N: a sliding live window, older segments deleted). */
  listSize: number;
  segmentType: 'mpegts' | 'fmp4';
  /** With a ladder: the master playlist's name. */
  masterPlaylist?: string;
}

/** What an output is given: how many video renditions, and whether there is sound. */
export interface OutputStreams {
  renditions: number;
  audio: boolean;
}

export function hlsOutput(sink: HlsSinkConfig, attempt = 0, streams?: OutputStreams): MediaOutput {
  if (streams && streams.renditions > 1) return hlsLadderOutput(sink, attempt, streams);
  const flags = ['independent_segments'];
  if (sink.listSize > 0) flags.push('delete_segments');
  // A restart continues the playlist (numbering on from the last segment) and marks the break.
  if (attempt > 0) flags.push('append_list', 'discont_start');
  const ext = sink.segmentType === 'fmp4' ? 'm4s' : 'ts';
  const options: [string, string][] = [
    ['hls_time', String(sink.segmentSeconds)],
    ['hls_list_size', String(sink.listSize)],
    ['hls_segment_type', sink.segmentType],
    ['hls_segment_filename', joinPath(sink.dir, `segment-%05d.${ext}`)],
    ['hls_flags', flags.join('+')],
  ];
  if (sink.segmentType === 'fmp4') options.push(['hls_fmp4_init_filename', 'init.mp4']);
  return { format: 'hls', options, target: joinPath(sink.dir, sink.playlist) };
}

/**
 * A ladder as HLS: a variant per rendition in its own folder (v0/, v1/, …), each with its playlist and segments,
 * and a master playlist naming them with their bandwidth, resolution and codecs (written by ffmpeg's HLS muxer).
 */
function hlsLadderOutput(sink: HlsSinkConfig, attempt: number, streams: OutputStreams): MediaOutput {
  const single = hlsOutput(sink, attempt);
  const ext = sink.segmentType === 'fmp4' ? 'm4s' : 'ts';
  const variants = Array.from({ length: streams.renditions }, (_, i) => `v:${i}${streams.audio ? `,a:${i}` : ''}`);
  const options = single.options.map(([k, v]): [string, string] =>
    k === 'hls_segment_filename' ? [k, joinPath(sink.dir, `v%v/segment-%05d.${ext}`)] : [k, v],
  );
  options.push(['var_stream_map', variants.join(' ')], ['master_pl_name', sink.masterPlaylist ?? 'master.m3u8']);
  return { format: 'hls', options, target: joinPath(sink.dir, `v%v/${sink.playlist}`), allRenditions: true };
}

const joinPath = (dir: string, name: string) => (dir.endsWith('/') ? dir + name : `${dir}/${name}`);

export type PackagerFormat = 'cmaf' | 'mpegts';

/** A packager's stream, written to a pipe Sluice reads (`pipe:<fd>`). */
export function packagerOutput(format: PackagerFormat, fd: number, fragmentMs: number): MediaOutput {
  if (format === 'mpegts') return { format: 'mpegts', options: [], target: `pipe:${fd}` };
  const options: [string, string][] = [['movflags', `${FMP4}+cmaf`]];
  if (fragmentMs > 0) options.push(['frag_duration', String(fragmentMs * 1000)]);
  return { format: 'mp4', options, target: `pipe:${fd}` };
}

/** The studio's preview of the encoded stream: a fragment per frame, for the least delay in the player. */
export function previewOutput(fd: number): MediaOutput {
  return { format: 'mp4', options: [['movflags', `${FMP4}+frag_every_frame`]], target: `pipe:${fd}`, videoOnly: true };
}

/** The H.264 proxy that previews an H.265 stream (browsers' Media Source Extensions here have no H.265). */
export interface PreviewProxy {
  encoder: string;
  height: number;
  rate: number;
}

/** Escape a value for the tee muxer's slave list (`[opt=value:…]target|…`), whose parser unescapes twice for options. */
const teeValue = (v: string) => v.replace(/[\\:|[\]=']/g, (c) => `\\\\\\${c}`);
const teeTarget = (v: string) => v.replace(/[\\|[\]']/g, (c) => `\\${c}`);

/** A tee slave's `select`: stream specifiers, quoted for the tee's own option parser (parsed once, not twice). */
const teeSelect = (specs: string) => `\\'${specs.replace(/:/g, '\\:')}\\'`;

/**
 * The outputs' arguments. With a ladder (`renditions` > 1) every output goes through the tee, which hands each the
 * streams it takes: HLS all renditions, the others the first rendition (and its sound), the preview its video.
 */
function outputArgs(
  outputs: readonly MediaOutput[],
  streams: OutputStreams = { renditions: 1, audio: false },
): string[] {
  const ladder = streams.renditions > 1;
  if (outputs.length === 1 && !ladder) {
    const [o] = outputs as [MediaOutput];
    return ['-f', o.format, ...o.options.flatMap(([k, v]) => [`-${k}`, v]), '-y', o.target];
  }
  // Encode once, write many: the tee muxer hands the same packets to each output. A failing pipe (a preview
  // nobody reads) must not end the recording, hence onfail=ignore on pipes.
  const slaves = outputs.map((o) => {
    const opts: string[] = [['f', o.format] as const, ...o.options].map(([k, v]) => `${k}=${teeValue(v)}`);
    const r = o.rendition ?? 0;
    const first = streams.audio && !o.videoOnly ? `v:${r},a:${r}` : `v:${r}`;
    if (ladder && !o.allRenditions) opts.push(`select=${teeSelect(first)}`);
    else if (o.videoOnly) opts.push('select=v');
    if (o.target.startsWith('pipe:')) opts.push('onfail=ignore');
    return `[${opts.join(':')}]${teeTarget(o.target)}`;
  });
  return ['-flags', '+global_header', '-f', 'tee', '-y', slaves.join('|')];
}

/** Renumber a stream specifier of a source whose first input is `base` in the whole command. */
const shift = (spec: string, base: number) => spec.replace(/^\d+/, (n) => String(Number(n) + base));

export interface GroupCommand {
  video: MediaInput;
  /** A separate audio source (a microphone); else the video source's own audio, when it has some. */
  audio?: MediaInput;
  encoder: EncoderConfig;
  /** The encoder the probe chose for the encoder node. */
  encoderName: string;
  outputs: MediaOutput[];
  /** The preview output, when the studio watches; with `proxy`, re-encoded to H.264 for the browser. */
  preview?: { output: MediaOutput; proxy?: PreviewProxy; renditions?: MediaOutput[] };
}

/**
 * The ffmpeg arguments for a group (without the binary). `-progress pipe:1` reports frames, fps, bitrate and
 * dropped/duplicated frames on stdout for the node's metrics; errors only on stderr.
 */
export function groupCommand(g: GroupCommand): string[] {
  const video = g.video.video;
  if (!video) throw new Error('the video source has no video');
  const audioBase = g.video.inputs;
  const audio = g.audio?.audio ? shift(g.audio.audio, audioBase) : g.video.audio;
  const ladder = ladderOf(g.encoder);
  // A ladder maps its renditions from its filter graph, and the sound once for each (an HLS variant has its own).
  const copies = Math.max(1, ladder.length);
  const audioMaps = audio ? Array.from({ length: copies }, () => ['-map', audio]).flat() : [];
  const videoArgs =
    ladder.length > 0
      ? ladderArgs(ladder, g.encoder, g.encoderName, video.replace(/\?$/, ''), g.video.rate)
      : ['-map', video, ...encoderArgs(g.encoder, g.encoderName, g.video.rate)];
  const streams: OutputStreams = { renditions: copies, audio: !!audio };
  // An endless audio input (a tone, a microphone) ends with the video.
  const limits = [...g.video.limits, ...(audio ? ['-shortest'] : [])];
  const audioCodec = audio ? ['-c:a', 'aac', '-b:a', '128k'] : [];
  const preview = g.preview;
  const outputs = preview && !preview.proxy ? [...g.outputs, preview.output, ...(preview.renditions ?? [])] : g.outputs;
  const args = [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-progress',
    'pipe:1',
    '-nostats',
    ...g.video.args,
    ...(g.audio?.args ?? []),
    ...videoArgs,
    ...audioMaps,
    ...audioCodec,
    ...limits,
    ...outputArgs(outputs, streams),
  ];
  if (preview?.proxy) {
    const p = preview.proxy;
    args.push(
      '-map',
      video,
      '-vf',
      `scale=-2:${p.height}`,
      '-c:v',
      p.encoder,
      '-preset',
      'ultrafast',
      '-tune',
      'zerolatency',
      '-g',
      String(p.rate),
      '-pix_fmt',
      'yuv420p',
      '-an',
      ...g.video.limits.filter((a) => a !== '-shortest'),
      ...outputArgs([preview.output]),
    );
  }
  return args;
}

export interface MediaChain {
  source: TestPatternConfig;
  encoder: EncoderConfig;
  /** The encoder the probe chose for the encoder node (see chooseEncoder). */
  encoderName: string;
  sink: MediaFileSinkConfig;
}

/** The command of the simplest group: a test pattern, an encoder, a file. */
export function chainCommand(chain: MediaChain, startMs = Date.now()): string[] {
  return groupCommand({
    video: testPatternInput(chain.source, startMs),
    encoder: chain.encoder,
    encoderName: chain.encoderName,
    outputs: [fileOutput(chain.sink)],
  });
}

/** A command as a POSIX shell line (for "Show ffmpeg command" and the exported script). */
export function shellLine(binary: string, args: readonly string[]): string {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return [binary, ...args].map(quote).join(' ');
}
