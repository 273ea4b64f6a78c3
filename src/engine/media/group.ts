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
import { MEDIA_KINDS, parsePortType, portTypeFor } from '../../shared/ports';
import type { ResolvedPipeline, ResolvedNode } from '../document/load';
import type { NodeContext } from '../contract/spec';
import { groupCommand, previewOutput, type EncoderConfig } from './command';
import { chooseEncoder, encoderProbe, type EncoderChoice } from './encoders';
import { Fmp4Splitter, type Fmp4Part } from './fmp4';
import { dropLevel, MediaProcess, type MediaExit, type MediaProgress } from './runner';
import { PreviewTap } from './preview';

/** The role of a media node type in its group. */
export type MediaRole = 'source' | 'audio' | 'encoder' | 'sink' | 'packager';

/** Where an output goes in the process: the pipe it gets (packagers) and the restart count (file names). */
export interface OutputPlace {
  fd: number;
  attempt: number;
}

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

interface Member {
  id: string;
  node: ResolvedNode;
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

  push(data: Uint8Array, pause: () => void, resume: () => void): void {
    this.items.push(data);
    if (this.items.length >= 64) {
      pause();
      this.resume = resume;
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

export class MediaGroup {
  /** Set by the encoder node when it opens. */
  choice: EncoderChoice | undefined;
  /** The latest progress report of the running process. */
  progress: MediaProgress | undefined;
  /** The live preview of the encoded stream (fed only when the group was built with `preview`). */
  readonly preview = new PreviewTap();
  /** Restarts after crashes in this run. */
  restarts = 0;
  /** Wall-clock time of the current process's start: media time 0 (the burned-in clock starts here). */
  startedAt = 0;
  private readonly channels = new Map<string, PartChannel>();
  private readonly contexts = new Map<string, NodeContext>();
  private process: MediaProcess | undefined;
  private markEnded!: () => void;
  /** Resolves when the group's process has ended for good, or will not start (its video source ended or failed). */
  readonly ended = new Promise<void>((r) => (this.markEnded = r));

  constructor(
    readonly members: readonly string[],
    readonly video: Member,
    readonly audio: Member | undefined,
    readonly encoder: Member,
    readonly outputs: readonly Member[],
    readonly options: GroupOptions = {},
  ) {
    for (const o of outputs) if (o.node.spec.media === 'packager') this.channels.set(o.id, new PartChannel());
  }

  get encoderConfig(): EncoderConfig {
    return this.encoder.node.config as unknown as EncoderConfig;
  }

  /** The encoder node's restart policy. */
  get restartPolicy(): RestartPolicy {
    const c = this.encoder.node.config as { restarts?: number; restartBackoffMs?: number };
    return { restarts: c.restarts ?? 0, backoffMs: c.restartBackoffMs ?? 1000 };
  }

  /** A member node's context, so that the group can show its state (restarting) on every member. */
  attach(ctx: NodeContext): void {
    this.contexts.set(ctx.nodeId, ctx);
  }

  /** Choose the encoder for the group's encoder node from this machine's probe (cached); kept as `choice`. */
  async chooseEncoder(): Promise<EncoderChoice> {
    const { codec, device } = this.encoderConfig;
    return (this.choice = chooseEncoder(await encoderProbe(), codec, device));
  }

  /** The ffmpeg arguments for the group, once the encoder has been chosen. Without `preview` (an export), as a person would run it. */
  command(startMs = Date.now(), attempt = 0, preview = this.options.preview ?? false): string[] {
    if (!this.choice?.encoder)
      throw new Error(
        `encoder "${this.encoder.id}" has no working encoder: ${this.choice?.error ?? 'it did not open'}`,
      );
    const hooks = (m: Member) => m.node.spec.mediaHooks ?? {};
    const input = (m: Member) => hooks(m).input!(m.node.config as never, startMs);
    let fd = FIRST_FD;
    const outputs = this.outputs.map((m) =>
      hooks(m).output!(m.node.config as never, { fd: m.node.spec.media === 'packager' ? fd++ : -1, attempt }),
    );
    const video = input(this.video);
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
      for (let attempt = 0; ; attempt++) {
        if (ctx.signal.aborted) return;
        const exit = await this.runOnce(ctx.signal, attempt);
        if (exit.stopped || exit.code === 0) return;
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
        for (const c of this.contexts.values()) c.status('restarting');
        await sleep(backoff, ctx.signal);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        for (const c of this.contexts.values()) c.status('running');
      }
    } finally {
      this.end();
    }
  }

  /** The group will run no more: packagers and watchers see the end, members waiting on `ended` finish. */
  end(): void {
    for (const c of this.channels.values()) c.end();
    this.preview.end();
    this.markEnded();
  }

  private async runOnce(signal: AbortSignal, attempt: number): Promise<MediaExit> {
    this.progress = undefined;
    this.startedAt = Date.now();
    const args = this.command(this.startedAt, attempt);
    const pipes = this.channels.size + (this.options.preview ? 1 : 0);
    const proc = new MediaProcess(args, { onProgress: (p) => (this.progress = p), pipes });
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
    if (this.options.preview) {
      const stream = proc.pipe(FIRST_FD + i);
      const splitter = new Fmp4Splitter((part: Fmp4Part) => this.preview.push(part));
      stream.on('data', (d: Buffer) => splitter.push(d));
      this.preview.restart(
        this.encoderConfig.codec === 'hevc'
          ? 'an H.264 proxy of the H.265 stream (browsers here cannot play H.265)'
          : undefined,
        this.startedAt,
      );
    }
    const stop = () => void proc.stop();
    signal.addEventListener('abort', stop, { once: true });
    try {
      return await proc.exited;
    } finally {
      signal.removeEventListener('abort', stop);
      this.process = undefined;
    }
  }

  /** The running process's id (tests, diagnostics). */
  get pid(): number | undefined {
    return this.process?.child.pid;
  }

  /** What each member shows: the process's frames, fps, bitrate, speed and dropped frames. */
  metrics(): MediaNodeMetrics | undefined {
    const p = this.progress;
    const encoder = this.choice?.encoder;
    const restarts = this.restarts;
    if (!p)
      return encoder
        ? { frames: 0, fps: 0, speed: 0, dropped: 0, duplicated: 0, dropLevel: 'ok', encoder, restarts }
        : undefined;
    const bitrateKbps = p.bitrateKbps ?? this.preview.bitrateKbps();
    return {
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

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/** A media group of a shape that cannot run, with the node to point at. */
export interface MediaGroupProblem {
  nodeId: string;
  message: string;
}

/** The groups of a pipeline, by member node id; throws when a group has a shape that cannot run (see mediaGroupProblems). */
export function findMediaGroups(pipeline: ResolvedPipeline, options: GroupOptions = {}): Map<string, MediaGroup> {
  const { groups, problems } = mediaGroups(pipeline, options);
  if (problems.length) throw new Error(problems.map((p) => p.message).join('; '));
  return groups;
}

/** What is wrong with the pipeline's media groups, for validation. */
export const mediaGroupProblems = (pipeline: ResolvedPipeline): MediaGroupProblem[] =>
  mediaGroups(pipeline, {}).problems;

function mediaGroups(
  pipeline: ResolvedPipeline,
  options: GroupOptions,
): { groups: Map<string, MediaGroup>; problems: MediaGroupProblem[] } {
  const byId = new Map(pipeline.nodes.map((n) => [n.id, n]));
  const roleOf = (id: string): MediaRole | undefined => byId.get(id)?.spec.media;
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  for (const n of pipeline.nodes) if (n.spec.media) parent.set(n.id, n.id);
  for (const e of pipeline.doc.edges) {
    const from = byId.get(e.from.node);
    const port = from?.spec.outputs.find((p) => p.name === e.from.port);
    const kind = port && parsePortType(portTypeFor(port.type, from!.config as Record<string, unknown>))?.kind;
    if (!kind || !MEDIA_KINDS.has(kind) || !parent.has(e.from.node) || !parent.has(e.to.node)) continue;
    parent.set(find(e.from.node), find(e.to.node));
  }
  const components = new Map<string, string[]>();
  for (const id of parent.keys()) components.set(find(id), [...(components.get(find(id)) ?? []), id]);
  const groups = new Map<string, MediaGroup>();
  const problems: MediaGroupProblem[] = [];
  for (const members of components.values()) {
    const take = (...roles: MediaRole[]) => members.filter((id) => roles.includes(roleOf(id)!));
    const [sources, audio, encoders, outputs] = [
      take('source'),
      take('audio'),
      take('encoder'),
      take('sink', 'packager'),
    ];
    const names = members.map((m) => `"${m}"`).join(', ');
    const missing = [
      sources.length === 0 && 'a video source',
      encoders.length === 0 && 'an encoder',
      outputs.length === 0 && 'a media sink or packager',
    ]
      .filter(Boolean)
      .join(', ');
    const extra = [
      sources.length > 1 && `${sources.length} video sources`,
      audio.length > 1 && `${audio.length} audio sources`,
      encoders.length > 1 && `${encoders.length} encoders`,
    ]
      .filter(Boolean)
      .join(', ');
    if (missing || extra) {
      problems.push({
        nodeId: members[0]!,
        message: `media ${members.length > 1 ? `nodes ${names} run` : `node ${names} runs`} as one ffmpeg process, which needs a video source (and at most one audio source) → one encoder → media sinks or packagers${missing ? `: wire in ${missing}` : ''}${extra ? `: it has ${extra}; one of each` : ''}`,
      });
      continue;
    }
    const member = (id: string): Member => ({ id, node: byId.get(id)! });
    const group = new MediaGroup(
      members,
      member(sources[0]!),
      audio[0] ? member(audio[0]) : undefined,
      member(encoders[0]!),
      outputs.map(member),
      options,
    );
    for (const id of members) groups.set(id, group);
  }
  return { groups, problems };
}
