/**
 * Which H.264/H.265 encoder to use, and why: the encoder probe.
 *
 * For each codec the candidates are tried in order — NVENC, Quick Sync, VAAPI, VideoToolbox, AMF, then the
 * software encoder — each by a short trial encode of a test pattern. The first that works is the one `device:
 * auto` uses; every one that did not work keeps the reason in ffmpeg's words ("Cannot load libcuda.so.1"), so the
 * studio can show the whole chain. OBS falls back silently; we never do.
 *
 * A probe takes a few seconds, so its result is cached per machine and ffmpeg version (a new driver or ffmpeg
 * shows up as a new version or is re-probed with `refresh`).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import type { CodecProbe, EncoderProbe, EncoderTrial, VideoCodec } from '../../shared/media';
import { ffmpegPath, ffmpegVersion, listEncoders, runFfmpeg, telling } from './ffmpeg';

export {
  chooseEncoder,
  type CodecProbe,
  type EncoderChoice,
  type EncoderDevice,
  type EncoderProbe,
  type EncoderTrial,
  type VideoCodec,
} from '../../shared/media';

interface Candidate {
  encoder: string;
  /** Who makes the hardware, in words for the user. */
  label: string;
  hardware: boolean;
  /** Options the trial needs before the input (a device) and for the output (pixel format, upload). */
  before?: string[];
  output?: string[];
  /** A reason to skip the trial without running it (no device node, wrong system). */
  precheck?: () => string | undefined;
}

const VAAPI_DEVICE = '/dev/dri/renderD128';

function candidates(codec: VideoCodec): Candidate[] {
  const c = codec;
  return [
    { encoder: `${c}_nvenc`, label: 'NVIDIA NVENC', hardware: true },
    { encoder: `${c}_qsv`, label: 'Intel Quick Sync', hardware: true, output: ['-pix_fmt', 'nv12'] },
    {
      encoder: `${c}_vaapi`,
      label: 'VAAPI',
      hardware: true,
      before: ['-vaapi_device', VAAPI_DEVICE],
      output: ['-vf', 'format=nv12,hwupload'],
      precheck: () => (existsSync(VAAPI_DEVICE) ? undefined : `no VAAPI device: ${VAAPI_DEVICE} does not exist`),
    },
    {
      encoder: `${c}_videotoolbox`,
      label: 'Apple VideoToolbox',
      hardware: true,
      precheck: () => (process.platform === 'darwin' ? undefined : 'VideoToolbox exists only on macOS'),
    },
    {
      encoder: `${c}_amf`,
      label: 'AMD AMF',
      hardware: true,
      precheck: () => (process.platform === 'win32' ? undefined : 'AMF is used only on Windows'),
    },
    c === 'h264'
      ? { encoder: 'libx264', label: 'software', hardware: false }
      : { encoder: 'libx265', label: 'software', hardware: false, output: ['-x265-params', 'log-level=error'] },
  ];
}

/** A short encode of a test pattern with one encoder: does it work, and if not, why. */
async function trial(c: Candidate, offered: Set<string>): Promise<EncoderTrial> {
  const base = { encoder: c.encoder, label: c.label, hardware: c.hardware };
  if (!offered.has(c.encoder)) return { ...base, ok: false, reason: 'not in this ffmpeg build' };
  const skip = c.precheck?.();
  if (skip) return { ...base, ok: false, reason: skip };
  const args = [
    '-loglevel',
    'error',
    ...(c.before ?? []),
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=320x240:rate=30',
    '-frames:v',
    '10',
    ...(c.output ?? []),
    '-c:v',
    c.encoder,
    '-f',
    'null',
    '-',
  ];
  const r = await runFfmpeg(args, { timeoutMs: 20_000 });
  if (r.timedOut) return { ...base, ok: false, reason: 'the trial encode did not finish within 20 s' };
  if (r.code !== 0) return { ...base, ok: false, reason: telling(r.stderr) };
  return { ...base, ok: true };
}

export async function probeEncoders(): Promise<EncoderProbe> {
  const [version, offered] = await Promise.all([ffmpegVersion(), listEncoders()]);
  const codecs = {} as Record<VideoCodec, CodecProbe>;
  for (const codec of ['h264', 'hevc'] as const) {
    const trials: EncoderTrial[] = [];
    // One at a time: hardware encoders share a device, and parallel trials would fail for each other.
    for (const c of candidates(codec)) trials.push(await trial(c, offered));
    codecs[codec] = { codec, trials };
  }
  return { ffmpegVersion: version, machine: hostname(), probedAt: new Date().toISOString(), codecs };
}

/** Where probe results are kept: $SLUICE_CACHE, else $XDG_CACHE_HOME/sluice, else ~/.cache/sluice. */
export const cacheDir = (): string =>
  process.env.SLUICE_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'sluice');

const cacheKey = (version: string) => `${hostname()} ${ffmpegPath()} ${version}`;

/**
 * The probe result for this machine and ffmpeg: from the cache when this ffmpeg version was probed here before
 * (unless `refresh`), else probed now and cached.
 */
export async function encoderProbe(
  options: { refresh?: boolean; dir?: string } = {},
): Promise<EncoderProbe & { cached: boolean }> {
  const dir = options.dir ?? cacheDir();
  const file = join(dir, 'encoders.json');
  const version = await ffmpegVersion();
  let cache: Record<string, EncoderProbe> = {};
  try {
    cache = JSON.parse(await readFile(file, 'utf8')) as Record<string, EncoderProbe>;
  } catch {
    // No cache yet, or an unreadable one: probe.
  }
  const hit = cache[cacheKey(version)];
  if (hit && !options.refresh) return { ...hit, cached: true };
  const probe = await probeEncoders();
  cache[cacheKey(probe.ffmpegVersion)] = probe;
  await mkdir(dir, { recursive: true });
  // Written whole, then renamed: a reader never sees half a file.
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(cache, null, 2));
  await rename(tmp, file);
  return { ...probe, cached: false };
}
