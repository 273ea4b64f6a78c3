/**
 * Media groups: media nodes joined by media wires (video or audio, raw or encoded) run as ONE ffmpeg process.
 *
 * A group is a video source (and at most one separate audio source), one encoder, and one or more outputs: sinks
 * that ffmpeg writes itself (a file, an HLS folder) and packagers whose stream comes back to Node through a pipe
 * to go on as bytes records. The encoder's output is muxed once per output by ffmpeg's tee muxer.
 *
 * The flow finds the groups when it is built and hands each member node its group (`ctx.media`). The members keep
 * their own node runners (state, errors, metrics per node), but nothing travels on their media wires through
 * Node: the encoder chooses its encoder when it opens, the video source runs the process (restarting it after a
 * crash, by the encoder's policy) and every member reports the process's progress as its metrics.
 */
import type { MediaNodeMetrics } from '../../shared/metrics';
import type { ResolvedNode } from '../document/resolved';
import type { MediaGroupHandle } from '../contract/media';
import type { NodeContext } from '../contract/node';
import type { MediaGroupPlan } from '../plan/media-groups';
import { sleepUnlessAborted } from '../support/sleep';
import { groupCommand, ladderOf, previewOutput, type EncoderConfig } from './command';
import { chooseEncoder, encoderProbe, type EncoderChoice } from './encoders';
import { Fmp4Splitter, type Fmp4Part } from './fmp4';
import { dropLevel, MediaProcess, type MediaExit, type MediaProgress } from './runner';
import { PreviewTap } from './preview';
import { LiveIngest, publisherProblem, srtPassphrase } from './ingest';

/** An output whose stream comes back to Node through a pipe: a packager, or a sink that reads it (stream-publish). */
const piped = (m: ResolvedNode): boolean => m.spec.media === 'packager' || m.spec.mediaPipe !== undefined;

/** What to do when the process ends with an error after it had been running. */
export interface RestartPolicy {
  /** Restarts allowed in one run (0: none). */
  restarts: number;
  /** The first wait; doubled after each restart, up to 30 s. */
  backoffMs: number;
}

export interface GroupOptions {
  /** Add the studio's preview output (an fMP4 pipe, see preview.ts). */
  preview?: boolean;
}

/** A process that ended with an error before any frame was encoded is not restarted: the same input fails again. */
const MAX_BACKOFF_MS = 30_000;

/** Pipes Sluice reads: packagers from fd 3 on, then the preview. */
const FIRST_FD = 3;

/** A packager's stream across restarts: what the process writes to its pipe, until the group ends. */
class PartChannel {
  private items: Uint8Array[] = [];
  private wake: (() => void) | undefined;
  private ended = false;
  /** Resumes the pipe once the packager has taken what was waiting. */
  private resume: (() => void) | undefined;
  constructor(private readonly lossy = false) {}

  push(data: Uint8Array, pause: () => void, resume: () => void): void {
    this.items.push(data);
    if (this.items.length >= 64) {
      // A lossy channel drops its oldest rather than hold up the process.
      if (this.lossy) this.items.shift();
      else {
        pause();
        this.resume = resume;
      }
    }
    this.wake?.();
  }

  end(): void {
    this.ended = true;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    for (;;) {
      const item = this.items.shift();
      if (item) {
        yield item;
        continue;
      }
      const r = this.resume;
      this.resume = undefined;
      r?.();
      if (this.ended) return;
      await new Promise<void>((w) => (this.wake = w));
      this.wake = undefined;
    }
  }
}

export class MediaGroup implements MediaGroupHandle {
  /** Set by the encoder node when it opens. */
  choice: EncoderChoice | undefined;
  /** The latest progress report of the running process. */
  progress: MediaProgress | undefined;
  /** The live preview of the encoded stream (fed only when the group was built with `preview`)… */
  readonly preview = new PreviewTap();
  /** …and of each further rendition of a ladder (the first is `preview`). */
  readonly renditionPreviews: PreviewTap[] = [];
  /** Restarts after crashes in this run. */
  restarts = 0;
  /** Wall-clock time of the current process's start: media time 0 (the burned-in clock starts here). */
  startedAt = 0;
  private readonly channels = new Map<string, PartChannel>();
  private readonly contexts = new Map<string, NodeContext>();
  private process: MediaProcess | undefined;
  /** The video source is a live ingest: its door and its publishers. */
  private ingest: LiveIngest | undefined;
  /** The last progress report of a live ingest's process, for its frame rate now. */
  private lastReport: { frame: number; at: number; fps: number } | undefined;
  private markEnded!: () => void;
  /** Resolves when the group's process has ended for good, or will not start (its video source ended or failed). */
  readonly ended = new Promise<void>((r) => (this.markEnded = r));

  readonly members: readonly string[];
  readonly video: ResolvedNode;
  readonly audio: ResolvedNode | undefined;
  readonly encoder: ResolvedNode;
  readonly outputs: readonly ResolvedNode[];

  constructor(
    plan: MediaGroupPlan,
    readonly options: GroupOptions = {},
  ) {
    ({
      members: this.members,
      video: this.video,
      audio: this.audio,
      encoder: this.encoder,
      outputs: this.outputs,
    } = plan);
    for (const o of this.outputs) if (piped(o)) this.channels.set(o.id, new PartChannel(o.spec.mediaPipe === 'lossy'));
  }

  get encoderConfig(): EncoderConfig {
    return this.encoder.config as unknown as EncoderConfig;
  }

  /** The encoder node's restart policy. */
  get restartPolicy(): RestartPolicy {
    // A resolved config: the encoder spec's defaults are filled in (declared there, once).
    const c = this.encoder.config as { restarts: number; restartBackoffMs: number };
    return { restarts: c.restarts, backoffMs: c.restartBackoffMs };
  }

  /** A member node's context, so that the group can show its state (restarting) on every member. */
  attach(ctx: NodeContext): void {
    this.contexts.set(ctx.nodeId, ctx);
  }

  /** Choose the encoder for the group's encoder node from this machine's probe (cached); kept as `choice`. */
  async chooseEncoder(): Promise<EncoderChoice> {
    const { codec, device } = this.encoderConfig;
    // copy: the source's packets as they are; no encoder to choose.
    if (codec === 'copy')
      return (this.choice = {
        encoder: 'copy',
        label: 'copy',
        hardware: false,
        chain: [],
        summary: 'copy · no re-encoding',
      });
    return (this.choice = chooseEncoder(await encoderProbe(), codec, device));
  }

  /** The ffmpeg arguments for the group, once the encoder has been chosen. Without `preview` (an export), as a person would run it. */
  command(startMs = Date.now(), attempt = 0, preview = this.options.preview ?? false): string[] {
    if (!this.choice?.encoder)
      throw new Error(
        `encoder "${this.encoder.id}" has no working encoder: ${this.choice?.error ?? 'it did not open'}`,
      );
    const hooks = (m: ResolvedNode) => m.spec.mediaHooks ?? {};
    const input = (m: ResolvedNode) => hooks(m).input!(m.config as never, startMs);
    let fd = FIRST_FD;
    const video = input(this.video);
    const streams = {
      renditions: Math.max(1, ladderOf(this.encoderConfig).length),
      audio: !!(this.audio ? input(this.audio).audio : video.audio),
    };
    const outputs = this.outputs.map((m) =>
      hooks(m).output!(m.config as never, { fd: piped(m) ? fd++ : -1, attempt, streams }),
    );
    const hevc = this.encoderConfig.codec === 'hevc';
    const proxyEncoder = hevc ? 'libx264' : undefined;
    return groupCommand({
      video,
      audio: this.audio && input(this.audio),
      encoder: this.encoderConfig,
      encoderName: this.choice.encoder,
      outputs,
      preview: preview
        ? {
            output: previewOutput(fd),
            proxy: proxyEncoder ? { encoder: proxyEncoder, height: 360, rate: video.rate } : undefined,
            // A ladder's other renditions, each a preview pipe of its own (the studio picks which to watch).
            renditions: proxyEncoder
              ? []
              : ladderOf(this.encoderConfig)
                  .slice(1)
                  .map((_, k) => ({ ...previewOutput(fd + 1 + k), rendition: k + 1 })),
          }
        : undefined,
    });
  }

  /** The fMP4 stream of a packager, across restarts, until the group's process has ended for good. */
  packagerStream(id: string): AsyncIterable<Uint8Array> {
    const c = this.channels.get(id);
    if (!c) throw new Error(`"${id}" is not a packager of this media group`);
    return c;
  }

  /**
   * Run the process until it ends, `signal` aborts, or it has crashed more often than the policy allows. A crash
   * after frames were encoded is reported (with ffmpeg's last error lines) on the node running the group, every
   * member shows `restarting`, and it starts again after a backoff; outputs of a restart get new file names.
   */
  async run(ctx: NodeContext, policy: RestartPolicy = this.restartPolicy): Promise<void> {
    let backoff = policy.backoffMs;
    try {
      // The encoder node did not open (no working encoder, ffmpeg missing): it says why; nothing to run.
      if (!this.choice?.encoder) return;
      const live = this.liveInput();
      if (live) {
        this.ingest = new LiveIngest(
          live,
          {
            error: (m) => void ctx.error(m),
            publisher: () => this.showAll('running'),
          },
          srtPassphrase,
        );
        await this.ingest.open();
      }
      // Outputs are numbered by the processes that wrote to them: one that ended before its first frame (a
      // publisher turned away) leaves the next to write the same files.
      for (let attempt = 0; ; ) {
        if (ctx.signal.aborted) return;
        if (this.ingest) this.showAll('waiting');
        const exit = await this.runOnce(ctx.signal, attempt);
        if ((this.progress?.frame ?? 0) > 0) attempt++;
        if (exit.stopped) return;
        if (this.ingest) {
          // A publisher came (or was turned away) and has gone: listen again. A listener that fails with nobody
          // at the door (a port in use, a bad address) is an error.
          this.ingest.ended();
          // What the publisher sent could not be used: said on the node, and the door stays open for the next.
          const problem = exit.code !== 0 ? publisherProblem(exit.stderrTail) : undefined;
          if (problem) void ctx.error(`${problem}; waiting for a publisher again`);
          if (exit.code === 0 || this.ingest.attended || (this.progress?.frame ?? 0) > 0) continue;
          throw new Error(describeExit(exit));
        }
        if (exit.code === 0) return;
        const why = describeExit(exit);
        const ran = (this.progress?.frame ?? 0) > 0;
        if (!ran || this.restarts >= policy.restarts) {
          throw new Error(
            ran && policy.restarts > 0
              ? `${why} (after ${this.restarts} restart${this.restarts === 1 ? '' : 's'}, the most allowed)`
              : why,
          );
        }
        this.restarts++;
        ctx.error(
          `${why}; restarting in ${(backoff / 1000).toFixed(1)} s (restart ${this.restarts} of ${policy.restarts})`,
        );
        this.showAll('restarting');
        await sleepUnlessAborted(backoff, ctx.signal);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        this.showAll('running');
      }
    } finally {
      this.ingest?.close();
      this.end();
    }
  }

  /** The video source's live ingest, if it is one. */
  private liveInput() {
    const hooks = this.video.spec.mediaHooks;
    return hooks?.input?.(this.video.config as never, 0).live;
  }

  private showAll(state: 'restarting' | 'waiting' | 'running'): void {
    for (const c of this.contexts.values()) c.status(state);
  }

  /** The group will run no more: packagers and watchers see the end, members waiting on `ended` finish. */
  end(): void {
    for (const c of this.channels.values()) c.end();
    for (const tap of this.previewTaps()) tap.end();
    this.markEnded();
  }

  private async runOnce(signal: AbortSignal, attempt: number): Promise<MediaExit> {
    this.progress = undefined;
    this.lastReport = undefined;
    this.startedAt = Date.now();
    let args = this.command(this.startedAt, attempt);
    const ingest = this.ingest;
    if (ingest) {
      // Listening where the door sends publishers (RTMP) or with the passphrase put in (SRT); logging the input's
      // streams (info level) to show what the publisher sends.
      const url = ingest.live.url;
      args = await ingest.prepare(
        args,
        args.findIndex((x) => x === url || x.startsWith(`${url}?`)),
      );
      args[args.indexOf('-loglevel') + 1] = 'level+info';
    }
    const previews = this.options.preview ? this.previewTaps() : [];
    // An SRT publisher's bytes are counted from a copy of what it sends, on the last pipe.
    const countFd = FIRST_FD + this.channels.size + previews.length;
    const counting = ingest?.countingOutput(countFd);
    if (counting) args.push(...counting);
    const pipes = this.channels.size + previews.length + (counting ? 1 : 0);
    const proc = new MediaProcess(args, {
      onProgress: (p) => (this.progress = ingest ? this.liveRate(p) : p),
      pipes,
      onLine: ingest && ((l) => ingest.line(l)),
    });
    this.process = proc;
    let i = 0;
    for (const [, channel] of this.channels) {
      const stream = proc.pipe(FIRST_FD + i++);
      stream.on('data', (d: Buffer) =>
        channel.push(
          d,
          () => stream.pause(),
          () => stream.resume(),
        ),
      );
    }
    for (const [k, tap] of previews.entries()) {
      const stream = proc.pipe(FIRST_FD + i + k);
      const splitter = new Fmp4Splitter((part: Fmp4Part) => tap.push(part));
      stream.on('data', (d: Buffer) => splitter.push(d));
      tap.restart(
        this.encoderConfig.codec === 'hevc'
          ? 'an H.264 proxy of the H.265 stream (browsers here cannot play H.265)'
          : undefined,
        this.startedAt,
      );
    }
    if (counting) proc.pipe(countFd).on('data', (d: Buffer) => ingest!.counted(d.length));
    const stop = () => void proc.stop();
    signal.addEventListener('abort', stop, { once: true });
    try {
      return await proc.exited;
    } finally {
      signal.removeEventListener('abort', stop);
      this.process = undefined;
    }
  }

  /**
   * A live ingest's frame rate as it is now: ffmpeg's is frames over the time since the process started, and a
   * listener waits for its publisher first (its average would read 0 fps while frames flow at 30).
   */
  private liveRate(p: MediaProgress): MediaProgress {
    const now = Date.now();
    const last = this.lastReport;
    this.lastReport = { frame: p.frame, at: now, fps: last?.fps ?? 0 };
    if (last && p.frame >= last.frame && now > last.at)
      this.lastReport.fps = ((p.frame - last.frame) * 1000) / (now - last.at);
    return { ...p, fps: Math.round(this.lastReport.fps * 10) / 10 };
  }

  /** The preview of each rendition (one when there is no ladder, or when an H.265 ladder is shown by a proxy). */
  previewTaps(): PreviewTap[] {
    const n = this.encoderConfig.codec === 'hevc' ? 1 : Math.max(1, ladderOf(this.encoderConfig).length);
    while (this.renditionPreviews.length < n - 1) this.renditionPreviews.push(new PreviewTap());
    return [this.preview, ...this.renditionPreviews.slice(0, n - 1)];
  }

  /** The running process's id (tests, diagnostics). */
  get pid(): number | undefined {
    return this.process?.child.pid;
  }

  /** What each member shows: the process's frames, fps, bitrate, speed and dropped frames. */
  metrics(nodeId?: string): MediaNodeMetrics | undefined {
    const p = this.progress;
    const encoder = this.choice?.encoder;
    const restarts = this.restarts;
    // The live ingest's door and publisher, on its own node.
    const ingest =
      this.ingest && nodeId === this.video.id
        ? (this.ingest.sample(), { ingest: { url: this.ingest.live.url, ...this.ingest.state } })
        : {};
    if (!p)
      return encoder
        ? { frames: 0, fps: 0, speed: 0, dropped: 0, duplicated: 0, dropLevel: 'ok', encoder, restarts, ...ingest }
        : undefined;
    const bitrateKbps = p.bitrateKbps ?? this.preview.bitrateKbps();
    const ladder = ladderOf(this.encoderConfig);
    const taps = this.options.preview ? this.previewTaps() : [];
    const renditions =
      ladder.length > 1 && taps.length === ladder.length
        ? {
            renditions: ladder.map((r, k) => ({
              height: r.height,
              targetKbps: r.bitrateKbps,
              fps: taps[k]!.fps(),
              bitrateKbps: taps[k]!.bitrateKbps(),
            })),
          }
        : {};
    return {
      ...ingest,
      ...renditions,
      frames: p.frame,
      fps: p.fps,
      ...(bitrateKbps === undefined ? {} : { bitrateKbps }),
      speed: p.speed,
      dropped: p.dropFrames,
      duplicated: p.dupFrames,
      dropLevel: dropLevel(p),
      encoder,
      restarts,
    };
  }
}

/** An ended process in words: its exit, and ffmpeg's last error lines. */
function describeExit(exit: MediaExit): string {
  const how = exit.signal ? `ffmpeg was killed (${exit.signal})` : `ffmpeg exited with code ${exit.code}`;
  const lines = exit.stderrTail.slice(-3);
  return lines.length ? `${how}: ${lines.join(' / ')}` : how;
}

/** The running groups of a plan, by member node id. */
export function mediaGroupsOf(plans: readonly MediaGroupPlan[], options: GroupOptions = {}): Map<string, MediaGroup> {
  const groups = new Map<string, MediaGroup>();
  for (const plan of plans) {
    const group = new MediaGroup(plan, options);
    for (const id of plan.members) groups.set(id, group);
  }
  return groups;
}
