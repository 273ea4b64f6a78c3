/**
 * Flink as the studio sees it: profiles, the job a run deployed, and its job-level figures.
 */

/** A deployed job's own figures (per-node figures go on the nodes, as a local run's do). */
export interface FlinkJobMetrics {
  jobId: string;
  /** Flink's job state: RUNNING, RESTARTING, FAILING, FAILED, CANCELED, FINISHED, … */
  state: string;
  /** Restarts since the job was submitted. */
  restarts: number;
  checkpoints: {
    completed: number;
    failed: number;
    inProgress: number;
    /** The last completed checkpoint. */
    last?: { id: number; at: number; durationMs: number; sizeBytes: number };
    lastFailure?: string;
  };
}

/** A Flink connection profile as the settings show it (never a secret). */
export interface FlinkProfileInfo {
  name: string;
  /** The embedded development Flink. */
  local: boolean;
  /** The JobManager's REST address (the embedded one's once it runs). */
  url?: string;
  /** What it is, in words (the embedded one: development only). */
  note: string;
  auth?: { kind: 'basic'; username: string } | { kind: 'bearer' };
  /** A secret is set (secret store or environment). */
  secretSet?: boolean;
}

/** Where a run goes: the engine on this machine, or the data part to a Flink profile. */
export type RunTarget = { kind: 'in-process' } | { kind: 'flink'; profile: string; fromSavepoint?: string };

/** The Flink side of a run: the job deployed, and how the run ended there. */
export interface FlinkRunInfo {
  profile: string;
  url: string;
  jobId: string;
  /** The nodes the job runs. */
  nodes: string[];
  /** The Flink SQL it runs (secrets masked). */
  sql: string;
  /** Set once stopped with a savepoint: where it is. */
  savepoint?: string;
}

/** A Flink profile's settings as the settings file keeps them (the secret is kept apart). */
export interface FlinkProfileSettings {
  url: string;
  auth?: { kind: 'basic'; username: string } | { kind: 'bearer' };
  parallelism?: number;
  checkpointIntervalMs?: number;
}

/** "Show Flink job": what a deploy would run, before anything is deployed. */
export interface FlinkJobView {
  profile: string;
  /** The SQL script, secrets masked (what runs, but for those). */
  sql: string;
  /** Nodes on Flink, and the wires read in-process through bridge topics. */
  nodes: string[];
  bridges: { from: string; topic: string; to: string[] }[];
}
