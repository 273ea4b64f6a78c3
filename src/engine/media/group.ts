/**
 * Media groups: media nodes joined by media wires (video or audio, raw or encoded) run as ONE ffmpeg process.
 *
 * The flow finds the groups when it is built and hands each member node its group (`ctx.media`). The members keep
 * their own node runners (state, errors, metrics per node), but nothing travels on their media wires through
 * Node: the encoder chooses its encoder when it opens, the source starts the fused ffmpeg process when it runs and
 * ends it when the run stops, and every member reports the process's progress as its metrics.
 */
import type { MediaNodeMetrics } from '../../shared/metrics';
import { parsePortType, portTypeFor } from '../../shared/ports';
import type { ResolvedPipeline } from '../load';
import { chainCommand, type EncoderConfig, type MediaFileSinkConfig, type TestPatternConfig } from './command';
import { chooseEncoder, encoderProbe, type EncoderChoice } from './encoders';
import { dropLevel, type MediaProgress } from './runner';

export const MEDIA_KINDS = new Set(['video/raw', 'video/encoded', 'audio/raw', 'audio/encoded']);

/** The role of a media node type in its group. */
export type MediaRole = 'source' | 'encoder' | 'sink';

export class MediaGroup {
  /** Set by the encoder node when it opens. */
  choice: EncoderChoice | undefined;
  /** The latest progress report of the running process. */
  progress: MediaProgress | undefined;

  constructor(
    readonly members: readonly string[],
    readonly source: { id: string; config: TestPatternConfig },
    readonly encoder: { id: string; config: EncoderConfig },
    readonly sink: { id: string; config: MediaFileSinkConfig },
  ) {}

  /** Choose the encoder for the group's encoder node from this machine's probe (cached); kept as `choice`. */
  async chooseEncoder(): Promise<EncoderChoice> {
    const { codec, device } = this.encoder.config;
    return (this.choice = chooseEncoder(await encoderProbe(), codec, device));
  }

  /** The ffmpeg arguments for the group, once the encoder has been chosen. */
  command(startMs = Date.now()): string[] {
    if (!this.choice?.encoder) throw new Error(`encoder "${this.encoder.id}" has no working encoder: ${this.choice?.error ?? 'it did not open'}`);
    return chainCommand({ source: this.source.config, encoder: this.encoder.config, encoderName: this.choice.encoder, sink: this.sink.config }, startMs);
  }

  /** What each member shows: the process's frames, fps, bitrate, speed and dropped frames. */
  metrics(): MediaNodeMetrics | undefined {
    const p = this.progress;
    const encoder = this.choice?.encoder;
    if (!p) return encoder ? { frames: 0, fps: 0, bitrateKbps: 0, speed: 0, dropped: 0, duplicated: 0, dropLevel: 'ok', encoder } : undefined;
    return { frames: p.frame, fps: p.fps, bitrateKbps: p.bitrateKbps, speed: p.speed, dropped: p.dropFrames, duplicated: p.dupFrames, dropLevel: dropLevel(p), encoder };
  }
}

/** A media group of a shape that cannot run, with the node to point at. */
export interface MediaGroupProblem {
  nodeId: string;
  message: string;
}

/** The groups of a pipeline, by member node id; throws when a group has a shape that cannot run (see mediaGroupProblems). */
export function findMediaGroups(pipeline: ResolvedPipeline): Map<string, MediaGroup> {
  const { groups, problems } = mediaGroups(pipeline);
  if (problems.length) throw new Error(problems.map((p) => p.message).join('; '));
  return groups;
}

/** What is wrong with the pipeline's media groups, for validation. */
export const mediaGroupProblems = (pipeline: ResolvedPipeline): MediaGroupProblem[] => mediaGroups(pipeline).problems;

function mediaGroups(pipeline: ResolvedPipeline): { groups: Map<string, MediaGroup>; problems: MediaGroupProblem[] } {
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
    const take = (role: MediaRole) => members.filter((id) => roleOf(id) === role);
    const [sources, encoders, sinks] = [take('source'), take('encoder'), take('sink')];
    const names = members.map((m) => `"${m}"`).join(', ');
    if (sources.length !== 1 || encoders.length !== 1 || sinks.length !== 1) {
      const missing = [sources.length === 0 && 'a source', encoders.length === 0 && 'an encoder', sinks.length === 0 && 'a media sink'].filter(Boolean).join(', ');
      const extra = [sources.length > 1 && `${sources.length} sources`, encoders.length > 1 && `${encoders.length} encoders`, sinks.length > 1 && `${sinks.length} sinks`].filter(Boolean).join(', ');
      problems.push({
        nodeId: members[0]!,
        message: `media ${members.length > 1 ? `nodes ${names} run` : `node ${names} runs`} as one ffmpeg process, which needs one chain of a source → an encoder → a media sink${missing ? `: wire in ${missing}` : ''}${extra ? `: it has ${extra}; one of each for now` : ''}`,
      });
      continue;
    }
    const node = (id: string) => ({ id, config: byId.get(id)!.config as never });
    const group = new MediaGroup(members, node(sources[0]!), node(encoders[0]!), node(sinks[0]!));
    for (const id of members) groups.set(id, group);
  }
  return { groups, problems };
}
