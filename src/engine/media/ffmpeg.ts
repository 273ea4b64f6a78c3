/**
 * The one place Sluice runs ffmpeg and ffprobe. Everything media goes through here: finding the binaries (one clear
 * message when they are missing), running a command with a time limit, and reading ffprobe's JSON.
 *
 * Commands are argument arrays passed to `spawn` (never a shell line). We do not use fluent-ffmpeg: it was archived
 * in May 2025 and deprecated on npm, its author advising to build ffmpeg command lines directly; the few commands
 * Sluice needs are written out here, where they can be shown to the user exactly as they run.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** ffmpeg is not installed (or not where SLUICE_FFMPEG says). */
export class FfmpegMissingError extends Error {
  readonly code = 'ffmpeg-missing';
  constructor(readonly binary: string) {
    super(
      `${binary} was not found: install it (Debian/Ubuntu: apt install ffmpeg; macOS: brew install ffmpeg) or set ${binary === 'ffprobe' ? 'SLUICE_FFPROBE' : 'SLUICE_FFMPEG'} to its path`,
    );
  }
}

/** The ffmpeg binary: $SLUICE_FFMPEG, else `ffmpeg` on the PATH. */
export const ffmpegPath = (): string => process.env.SLUICE_FFMPEG || 'ffmpeg';
/** The ffprobe binary: $SLUICE_FFPROBE, else `ffprobe` on the PATH. */
export const ffprobePath = (): string => process.env.SLUICE_FFPROBE || 'ffprobe';

/** The full path of an executable (as given when it has a slash, else found on the PATH), or undefined. */
export function resolveExecutable(name: string): string | undefined {
  const runs = (path: string) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (name.includes('/')) return runs(name) ? name : undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir && runs(join(dir, name))) return join(dir, name);
  return undefined;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/**
 * Run a binary to completion with a time limit (then SIGKILL), collecting its output (bounded: the last
 * `maxOutput` characters of each stream). Rejects with FfmpegMissingError when the binary cannot be found.
 */
export function runTool(
  binary: string,
  args: readonly string[],
  options: { timeoutMs?: number; maxOutput?: number } = {},
): Promise<RunResult> {
  const { timeoutMs = 30_000, maxOutput = 64 * 1024 } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const keep = (s: string) => (s.length > maxOutput ? s.slice(-maxOutput) : s);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout = keep(stdout + d)));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = keep(stderr + d)));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(err.code === 'ENOENT' ? new FfmpegMissingError(binary === ffprobePath() ? 'ffprobe' : 'ffmpeg') : err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

export const runFfmpeg = (
  args: readonly string[],
  options?: { timeoutMs?: number; maxOutput?: number },
): Promise<RunResult> => runTool(ffmpegPath(), ['-hide_banner', '-nostdin', ...args], options);

/** ffmpeg's version line, e.g. "5.1.9-0+deb12u1". */
export async function ffmpegVersion(): Promise<string> {
  const r = await runTool(ffmpegPath(), ['-hide_banner', '-version'], { timeoutMs: 10_000 });
  const m = /^ffmpeg version (\S+)/m.exec(r.stdout);
  if (!m) throw new Error(`could not read ffmpeg's version from "${r.stdout.split('\n')[0] ?? ''}"`);
  return m[1]!;
}

/** The encoders this ffmpeg build offers (names only, video and audio). */
export async function listEncoders(): Promise<Set<string>> {
  const r = await runTool(ffmpegPath(), ['-hide_banner', '-encoders'], { timeoutMs: 10_000 });
  const names = new Set<string>();
  for (const line of r.stdout.split('\n')) {
    const m = /^ [VAS][F.][S.][X.][B.][D.] (\S+)/.exec(line);
    if (m) names.add(m[1]!);
  }
  return names;
}

/**
 * The line of ffmpeg's error output that says what went wrong, in ffmpeg's words: the first line a component
 * (`[h264_nvenc @ 0x…]`) wrote, without the address, else the first line. "Cannot load libcuda.so.1" says more
 * than the generic "Error while opening encoder" that follows it.
 */
export function telling(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  for (const l of lines) {
    const m = /^\[([\w-]+) @ 0x[0-9a-f]+\] (.+)$/.exec(l);
    if (m) return m[2]!;
  }
  return lines[0] ?? 'ffmpeg failed without a message';
}

export interface ProbedStream {
  codec_type: string;
  codec_name: string;
  profile?: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  avg_frame_rate?: string;
  nb_frames?: string;
  nb_read_frames?: string;
  duration?: string;
  /** bit/s, where the container says (not for fragmented MP4 cut short). */
  bit_rate?: string;
}

export interface ProbeResult {
  streams: ProbedStream[];
  format: { format_name: string; duration?: string; size?: string };
  frames?: { key_frame: number; pts_time?: string; pict_type?: string }[];
}

/** ffprobe's view of a media file; with `frames`, every video frame's key flag too (slow for long files). */
export async function ffprobe(file: string, options: { frames?: boolean } = {}): Promise<ProbeResult> {
  const args = ['-v', 'error', '-of', 'json', '-show_format', '-show_streams'];
  if (options.frames)
    args.push(
      '-count_frames',
      '-select_streams',
      'v:0',
      '-show_entries',
      'frame=key_frame,pts_time,pict_type:stream:format',
    );
  args.push(file);
  const r = await runTool(ffprobePath(), args, { timeoutMs: 60_000, maxOutput: 64 * 1024 * 1024 });
  if (r.code !== 0) throw new Error(`ffprobe could not read ${file}: ${telling(r.stderr)}`);
  return JSON.parse(r.stdout) as ProbeResult;
}
