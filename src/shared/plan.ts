/**
 * A pipeline's plan as the studio and `sluice plan --json` see it: where each node runs, and why.
 */

/** The executors a plan places nodes on. */
export type ExecutorKind = 'in-process' | 'ffmpeg' | 'flink';

/** Where one node runs, and why there. */
export interface Placement {
  nodeId: string;
  type: string;
  executor: ExecutorKind;
  /** The media group it runs in (ffmpeg). */
  group?: string;
  reason: string;
}

export interface PlanView {
  pipeline: string;
  /** The executors used, in the order the planner asked them, with their nodes. */
  executors: { kind: ExecutorKind; title: string; nodes: string[] }[];
  nodes: Placement[];
  /** One ffmpeg process each. */
  mediaGroups: { id: string; video: string; audio?: string; encoder: string; outputs: string[] }[];
  /** Edges run chained in-process (no queue): `from → to`. */
  chainedEdges: { id: string; from: string; to: string }[];
}
