/**
 * One running ffmpeg process for a fused media chain: its progress as metrics, its last error lines, and a stop
 * that ends the whole process group.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { FfmpegMissingError, ffmpegPath, resolveExecutable } from './ffmpeg';

/**
 * On Linux, ffmpeg is started through util-linux's `setpriv --pdeathsig TERM`, which sets the kernel's
 * parent-death signal and then execs ffmpeg (same process, same exit status): if Sluice is killed outright
 * (SIGKILL, a crash), the kernel tells ffmpeg to finish, and no orphan keeps encoding.
 */
const SETPRIV = '/usr/bin/setpriv';
function command(args: readonly string[]): [string, string[]] {
  const ffmpeg = resolveExecutable(ffmpegPath());
  // (Not found: spawned as it is, so that the spawn fails with ENOENT and says ffmpeg is missing.)
  if (ffmpeg && process.platform === 'linux' && existsSync(SETPRIV))
    return [SETPRIV, ['--pdeathsig', 'TERM', '--', ffmpeg, ...args]];
  return [ffmpegPath(), [...args]];
}

/** One `-progress` report. */
export interface MediaProgress {
  frame: number;
  fps: number;
  /** kbit/s of the output so far, as ffmpeg reports it (not with several outputs: the tee muxer has no size). */
  bitrateKbps?: number;
  totalSize: number;
  outTimeMs: number;
  dupFrames: number;
  dropFrames: number;
  /** Encoding speed relative to real time (1 = real time). */
  speed: number;
  /** The last report: ffmpeg is done. */
  end: boolean;
}

/** Dropped frames as a share of frames, with OBS's thresholds: warn above 1 %, error above 5 %. */
export function dropLevel(p: Pick<MediaProgress, 'frame' | 'dropFrames'>): 'ok' | 'warn' | 'error' {
  const total = p.frame + p.dropFrames;
  const share = total > 0 ? p.dropFrames / total : 0;
  return share > 0.05 ? 'error' : share > 0.01 ? 'warn' : 'ok';
}

const num = (v: string | undefined): number => {
  const n = Number.parseFloat(v ?? '');
  return Number.isFinite(n) ? n : 0;
};

/** Reads ffmpeg's `-progress` stream (key=value lines, each report ending with `progress=…`). */
export class ProgressParser {
  private fields: Record<string, string> = {};
  private rest = '';

  constructor(private readonly onReport: (p: MediaProgress) => void) {}

  push(chunk: string): void {
    const lines = (this.rest + chunk).split('\n');
    this.rest = lines.pop() ?? '';
    for (const line of lines) {
      const eq = line.indexOf('=');
      if (eq < 0) continue;
      const key = line.slice(0, eq).trim();
      const value = line.slice(eq + 1).trim();
      if (key !== 'progress') {
        this.fields[key] = value;
        continue;
      }
      const f = this.fields;
      this.fields = {};
      this.onReport({
        frame: num(f.frame),
        fps: num(f.fps),
        bitrateKbps:
          f.bitrate === undefined || f.bitrate === 'N/A' ? undefined : num(f.bitrate.replace(/kbits\/s$/, '')),
        totalSize: num(f.total_size),
        outTimeMs: num(f.out_time_us ?? f.out_time_ms) / 1000,
        dupFrames: num(f.dup_frames),
        dropFrames: num(f.drop_frames),
        speed: num(f.speed?.replace(/x$/, '')),
        end: value === 'end',
      });
    }
  }
}

export interface MediaProcessEvents {
  onProgress?(p: MediaProgress): void;
  /** Extra pipes from ffmpeg to Sluice, as fds 3, 4, ... (outputs written to `pipe:3`, ...). */
  pipes?: number;
  /** Every line ffmpeg logs (a live ingest reads its publisher's streams from the info lines). */
  onLine?(line: string): void;
}

/**
 * A log line as kept for the node's error: with `-loglevel level+…` ffmpeg prefixes each line with its level; info
 * and lower are not errors (undefined), and the prefix of the others is dropped.
 */
export function errorLine(line: string): string | undefined {
  const level = /^\[(\w+)\] /.exec(line);
  if (!level) return line;
  return ['info', 'verbose', 'debug', 'trace', 'warning'].includes(level[1]!) ? undefined : line.slice(level[0].length);
}

export interface MediaExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** ffmpeg's last lines of error output, for the node's error state. */
  stderrTail: string[];
  /** Stopped by us (not a crash). */
  stopped: boolean;
}

/** The last lines kept of ffmpeg's error output. */
const STDERR_LINES = 20;

export class MediaProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<MediaExit>;
  private stderrTail: string[] = [];
  private stopping = false;

  /** Starts ffmpeg with `args` in a process group of its own (so that stop ends everything it started). */
  constructor(
    readonly args: readonly string[],
    events: MediaProcessEvents = {},
  ) {
    const [binary, argv] = command(args);
    const extra = Array.from({ length: events.pipes ?? 0 }, () => 'pipe' as const);
    this.child = spawn(binary, argv, { stdio: ['ignore', 'pipe', 'pipe', ...extra], detached: true });
    const parser = new ProgressParser((p) => events.onProgress?.(p));
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => parser.push(d));
    let partial = '';
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      const lines = (partial + d).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) {
        events.onLine?.(l);
        const kept = l.trim() ? errorLine(l) : undefined;
        if (kept) this.stderrTail.push(kept);
      }
      if (this.stderrTail.length > STDERR_LINES) this.stderrTail = this.stderrTail.slice(-STDERR_LINES);
    });
    this.exited = new Promise((resolve, reject) => {
      this.child.once('error', (err: NodeJS.ErrnoException) =>
        reject(err.code === 'ENOENT' ? new FfmpegMissingError('ffmpeg') : err),
      );
      this.child.once('close', (code, signal) => {
        const last = partial.trim() ? errorLine(partial.trim()) : undefined;
        if (last) this.stderrTail.push(last);
        resolve({ code, signal, stderrTail: this.stderrTail.slice(-STDERR_LINES), stopped: this.stopping });
      });
    });
  }

  /** The readable end of an extra pipe (fd 3 and up). */
  pipe(fd: number): Readable {
    const stream = this.child.stdio[fd];
    if (!stream || !('read' in stream)) throw new Error(`ffmpeg was not started with a pipe on fd ${fd}`);
    return stream as Readable;
  }

  /**
   * Stop: ask ffmpeg to finish (SIGINT: it writes out what it has and closes the file), then, after `graceMs`,
   * kill the whole process group.
   */
  async stop(graceMs = 5000): Promise<MediaExit> {
    this.stopping = true;
    const pid = this.child.pid;
    if (pid !== undefined && this.child.exitCode === null && this.child.signalCode === null) {
      signalGroup(pid, 'SIGINT');
      const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
      try {
        return await this.exited;
      } finally {
        clearTimeout(timer);
      }
    }
    return this.exited;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}
