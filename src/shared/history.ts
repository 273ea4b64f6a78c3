/** A run kept in the history. */
export interface RunSummary {
  runId: string;
  pipeline: string;
  startedAt: number;
  stoppedAt?: number;
  /** How it ended: `idle` (stopped or finished), `failed`, or `cut short` (the app ended while it ran). */
  phase: string;
  message?: string;
  /** From the start to the last metrics kept. */
  durationMs: number;
  nodes: string[];
  /** Metrics ticks kept (one a second). */
  points: number;
}
