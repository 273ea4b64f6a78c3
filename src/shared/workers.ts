/**
 * The workers of a consumer group (`sluice run --worker`), as each reports itself to the workers' store.
 */

/** One worker's report, rewritten every second while it runs. */
export interface WorkerReport {
  group: string;
  /** The member id the group coordinator gave it. */
  memberId: string;
  host: string;
  pid: number;
  pipeline: string;
  /** The Kafka source node this membership belongs to. */
  node: string;
  startedAt: number;
  /** When it last joined the group (the last rebalance it took part in). */
  joinedAt: number;
  updatedAt: number;
  state: 'running' | 'stopping';
  /** The partitions it holds, each with its lag (records behind the partition's end; null before its first read). */
  partitions: { topic: string; partition: number; lag: number | null }[];
  /** Records its Kafka source read per second, over the last second. */
  recordsPerSec: number;
  /** A member not heard from for this long is out of the group. */
  sessionTimeoutMs: number;
}

/** What the studio shows of a group: its workers, each with how long ago it reported. */
export interface GroupWorkersView {
  group: string;
  /** The Redis profile the workers report to. */
  profile: string;
  workers: (WorkerReport & { ageMs: number })[];
}
