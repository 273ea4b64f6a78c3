/**
 * The media-group pass of the planner: media nodes joined by media wires (video or audio, raw or encoded) form
 * one group, run as ONE ffmpeg process. A group is a video source (and at most one separate audio source), one
 * encoder, and one or more outputs: sinks that ffmpeg writes itself (a file, an HLS folder) and packagers whose
 * stream comes back to Node through a pipe to go on as bytes records.
 */
import { MEDIA_KINDS, parsePortType, portTypeFor } from '../../shared/ports';
import type { MediaRole } from '../contract/media';
import type { ResolvedNode, ResolvedPipeline } from '../document/resolved';

/** One media group as planned: its members by role. */
export interface MediaGroupPlan {
  /** `media:<video source id>`. */
  id: string;
  members: string[];
  video: ResolvedNode;
  audio: ResolvedNode | undefined;
  encoder: ResolvedNode;
  /** Sinks ffmpeg writes and packagers it pipes back, in document order. */
  outputs: ResolvedNode[];
}

/** A media group of a shape that cannot run, with the node to point at. */
export interface MediaGroupProblem {
  nodeId: string;
  message: string;
  /** Every member of the group (none of them can run). */
  members: string[];
}

/** The pipeline's media groups, and what is wrong with those that cannot run. */
export function planMediaGroups(pipeline: ResolvedPipeline): {
  groups: MediaGroupPlan[];
  problems: MediaGroupProblem[];
} {
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
  const groups: MediaGroupPlan[] = [];
  const problems: MediaGroupProblem[] = [];
  for (const members of components.values()) {
    const take = (...roles: MediaRole[]) => members.filter((id) => roles.includes(roleOf(id)!));
    const [sources, audio, encoders, outputs] = [
      take('source'),
      take('audio'),
      take('encoder'),
      take('sink', 'packager'),
    ];
    const problem = groupProblem(members, sources, audio, encoders, outputs);
    if (problem) {
      problems.push(problem);
      continue;
    }
    const node = (id: string): ResolvedNode => byId.get(id)!;
    groups.push({
      id: `media:${sources[0]!}`,
      members,
      video: node(sources[0]!),
      audio: audio[0] ? node(audio[0]) : undefined,
      encoder: node(encoders[0]!),
      outputs: outputs.map(node),
    });
  }
  return { groups, problems };
}

function groupProblem(
  members: string[],
  sources: string[],
  audio: string[],
  encoders: string[],
  outputs: string[],
): MediaGroupProblem | undefined {
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
  if (!missing && !extra) return undefined;
  return {
    nodeId: members[0]!,
    members,
    message: `media ${members.length > 1 ? `nodes ${names} run` : `node ${names} runs`} as one ffmpeg process, which needs a video source (and at most one audio source) → one encoder → media sinks or packagers${missing ? `: wire in ${missing}` : ''}${extra ? `: it has ${extra}; one of each` : ''}`,
  };
}
