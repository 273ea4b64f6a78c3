/**
 * A run as a member of Kafka consumer groups (`sluice run --worker`): keyed window state belongs to the Kafka
 * partition its records came from, is checkpointed to a store shared by the workers (Redis) before the offsets of
 * those records are committed, and is restored by whichever worker receives the partition after a rebalance.
 *
 * The flow holds one `WorkerContext`. Kafka sources tell it which partitions this member holds after each rebalance
 * (`assigned`); stateful nodes ask it whether they own a partition, claim the partition's saved state (which fences
 * the worker that held it before: its later saves are refused) and save checkpoints.
 */

/** What a record read from Kafka carries about where it came from, under this field (see the Kafka source). */
export const KAFKA_FIELD = '_kafka';

/** The part of `_kafka` that says which partition's state a record belongs to. */
export interface KafkaOrigin {
  topic: string;
  partition: number;
  offset: number;
}

/** Where one node's state of one partition is kept, for one consumer group. */
export interface StateKey {
  group: string;
  node: string;
  topic: string;
  partition: number;
}

/** A partition's state as saved: `upTo` is the next offset not in it (records before it are skipped on replay). */
export interface PartitionSnapshot {
  upTo: number;
  state: unknown;
}

/**
 * Where the workers keep partition state. With `signal`: once the run is stopping, a store that cannot be reached
 * fails at once instead of waiting for it to come back (the records stay unacknowledged, to be read again).
 */
export interface CheckpointStore {
  /** Take a partition's state: fences every earlier claim (their saves are refused from now on). */
  claim(key: StateKey, signal?: AbortSignal): Promise<{ token: number; saved: PartitionSnapshot | undefined }>;
  /** Save checkpoints; the keys refused because another worker claimed them since are returned. */
  save(
    entries: { key: StateKey; token: number; snapshot: PartitionSnapshot }[],
    signal?: AbortSignal,
  ): Promise<StateKey[]>;
}

/** What a Kafka source of this member holds now. */
export interface MemberAssignment {
  node: string;
  group: string;
  memberId: string;
  /** topic → partitions. */
  assignment: Record<string, number[]>;
  /** When this member last joined the group (a rebalance). */
  joinedAt: number;
}

const tp = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

export class WorkerContext {
  /** topic/partition → the group it is held for and a local count of the assignments that gave it to us. */
  private readonly owned = new Map<string, { group: string; generation: number }>();
  private readonly members = new Map<string, MemberAssignment>();
  private readonly revokedListeners = new Set<(revoked: { topic: string; partition: number }[]) => void>();
  private generation = 0;

  constructor(
    readonly store: CheckpointStore,
    /** How often stateful nodes checkpoint (their records' offsets are committed only after). */
    readonly checkpointIntervalMs = 200,
  ) {}

  /** A Kafka source joined its group (again): it now holds `assignment`. */
  assigned(node: string, group: string, memberId: string, assignment: Record<string, number[]>): void {
    const previous = this.members.get(node);
    const now = new Set(Object.entries(assignment).flatMap(([t, ps]) => ps.map((p) => tp(t, p))));
    const revoked: { topic: string; partition: number }[] = [];
    for (const [t, ps] of Object.entries(previous?.assignment ?? {})) {
      for (const p of ps) {
        if (now.has(tp(t, p))) continue;
        this.owned.delete(tp(t, p));
        revoked.push({ topic: t, partition: p });
      }
    }
    this.generation++;
    for (const [t, ps] of Object.entries(assignment)) {
      for (const p of ps)
        if (!this.owned.has(tp(t, p))) this.owned.set(tp(t, p), { group, generation: this.generation });
    }
    this.members.set(node, { node, group, memberId, assignment, joinedAt: Date.now() });
    if (revoked.length) for (const l of this.revokedListeners) l(revoked);
  }

  /** Whom a partition's records are held for here (undefined: not this member's now). */
  owner(topic: string, partition: number): { group: string; generation: number } | undefined {
    return this.owned.get(tp(topic, partition));
  }

  /** Partitions taken away by a rebalance: their state is the new owner's. */
  onRevoked(listener: (revoked: { topic: string; partition: number }[]) => void): () => void {
    this.revokedListeners.add(listener);
    return () => this.revokedListeners.delete(listener);
  }

  /** What each Kafka source of this member holds. */
  assignments(): MemberAssignment[] {
    return [...this.members.values()];
  }
}
