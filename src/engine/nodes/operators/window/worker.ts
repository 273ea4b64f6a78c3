/**
 * The window as a consumer-group worker (`sluice run --worker`, `scope: partition`): windows per partition this
 * member holds, checkpointed to the workers' store. The records' acknowledgements are released once a checkpoint
 * holding them is saved (and every result emitted before it has been acknowledged); a member that receives a
 * partition restores its state and skips the records before its offset; a stopping member saves its windows
 * instead of firing them.
 */
import type { Hold, NodeInstance, Rec } from '../../../contract/node';
import { KAFKA_FIELD, type KafkaOrigin, type StateKey, type WorkerContext } from '../../../workers/context';
import { sleepUnlessAborted } from '../../../support/sleep';
import { sendResults } from './local';
import { forEachPartitionRun, partKey, windowTimes } from './partitions';
import { EventTimeWindows, type SavedWindows, type WindowShape } from './windows';

interface Part {
  key: StateKey;
  windows: EventTimeWindows;
  /** The assignment that gave us the partition (a later one that gives it again means someone else had it). */
  generation: number;
  /** The claim's fencing token. */
  token: number;
  /** The next offset not in the state: replayed records before it are skipped. */
  upTo: number;
  dirty: boolean;
}

export class WorkerWindows implements NodeInstance {
  private readonly parts = new Map<string, Part>();
  /** Holds of the records added since the last checkpoint began: released once it is saved. */
  private pendingHolds: Hold[] = [];
  /** Results emitted and not yet acknowledged downstream: a checkpoint waits for those emitted before it. */
  private readonly unacked = new Set<Promise<void>>();
  private failing = false;
  private saving: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly shape: WindowShape,
    private readonly worker: WorkerContext,
  ) {
    // A partition taken away: its state is the new owner's. (Batches of it still queued here are dropped as not
    // owned; were it given back before they arrive, they would be applied after its state was claimed again — from
    // the offset the saved state holds, but possibly ahead of the records the new fetch replays: kafkajs's eager
    // protocol has no hook to drain before rejoining.)
    this.unsubscribe = worker.onRevoked((revoked) => {
      for (const r of revoked) this.parts.delete(partKey(r));
    });
    this.timer = setInterval(() => void this.checkpoint(), worker.checkpointIntervalMs);
  }

  private resultHold(): Hold {
    let done!: () => void;
    const p = new Promise<void>((r) => (done = r));
    this.unacked.add(p);
    return {
      release: () => {
        this.unacked.delete(p);
        done();
      },
    };
  }

  private trouble(what: string, err: unknown): void {
    const { ctx } = this.shape;
    if (!this.failing)
      void ctx.error(`${what}: ${(err as Error).message} (retrying; records stay unacknowledged meanwhile)`);
    this.failing = true;
    ctx.status('reconnecting');
  }

  private recovered(): void {
    if (this.failing) this.shape.ctx.status('running');
    this.failing = false;
  }

  /** Claim a partition's state (retrying until the store answers or the run stops). */
  private async claim(origin: KafkaOrigin, owner: { group: string; generation: number }): Promise<void> {
    const { ctx } = this.shape;
    const key: StateKey = { group: owner.group, node: ctx.nodeId, topic: origin.topic, partition: origin.partition };
    for (let wait = 200; !ctx.signal.aborted; wait = Math.min(wait * 2, 5000)) {
      try {
        const { token, saved } = await this.worker.store.claim(key, ctx.signal);
        const windows = new EventTimeWindows(this.shape, false, false);
        if (saved) windows.restore(saved.state as SavedWindows);
        const part = { key, windows, generation: owner.generation, token, upTo: saved?.upTo ?? 0, dirty: false };
        this.parts.set(partKey(origin), part);
        this.recovered();
        return;
      } catch (err) {
        this.trouble(`could not restore the state of ${origin.topic}/${origin.partition}`, err);
        await sleepUnlessAborted(wait, ctx.signal);
      }
    }
  }

  private checkpoint(): Promise<void> {
    this.saving ??= this.save().finally(() => (this.saving = undefined));
    return this.saving;
  }

  private async save(): Promise<void> {
    const holds = this.pendingHolds;
    this.pendingHolds = [];
    const results = [...this.unacked];
    const taken: Part[] = [];
    const entries = [];
    for (const p of this.parts.values()) {
      if (!p.dirty) continue;
      p.dirty = false;
      taken.push(p);
      entries.push({ key: p.key, token: p.token, snapshot: { upTo: p.upTo, state: p.windows.save() } });
    }
    if (!holds.length && !entries.length) return;
    // Every result that left before this state was taken must be downstream first: the state says it fired.
    await Promise.all(results);
    try {
      const fenced = await this.worker.store.save(entries, this.shape.ctx.signal);
      for (const f of fenced) {
        // Another worker claimed the partition since (we missed a rebalance): its state is theirs.
        this.parts.delete(partKey(f));
        this.shape.ctx.count('fenced');
      }
      this.recovered();
    } catch (err) {
      this.pendingHolds = holds.concat(this.pendingHolds);
      for (const p of taken) p.dirty = true;
      this.trouble('could not save a checkpoint', err);
      return;
    }
    for (const h of holds) h.release();
  }

  /** Add one partition's run of records, those the state does not have yet. */
  private apply(batch: Rec[], from: number, to: number, out: Rec[], late: Rec[]): boolean {
    const origin = batch[from]![KAFKA_FIELD] as KafkaOrigin;
    const part = this.parts.get(partKey(origin));
    if (!part) return false;
    let i = from;
    while (i < to && (batch[i]![KAFKA_FIELD] as KafkaOrigin).offset < part.upTo) i++;
    if (i === to) return false;
    part.windows.add(batch, i, to, out, late, []);
    part.upTo = (batch[to - 1]![KAFKA_FIELD] as KafkaOrigin).offset + 1;
    part.dirty = true;
    return true;
  }

  metrics() {
    return {
      eventTime: windowTimes(
        [...this.parts].map(([k, p]) => [k, p.windows]),
        undefined,
      ),
    };
  }

  process(_port: string, batch: Rec[]): Promise<void> | void {
    const { ctx } = this.shape;
    this.shape.batchNo++;
    const hold = ctx.hold();
    const runs: [number, number][] = [];
    const claims: Promise<void>[] = [];
    forEachPartitionRun(batch, (origin, i, j) => {
      if (!origin || typeof origin.offset !== 'number') {
        for (let k = i; k < j; k++)
          void ctx.error(
            `record has no ${KAFKA_FIELD} {topic, partition, offset}: a worker keeps window state per Kafka partition, so the records must come from a Kafka source (a map must keep ${KAFKA_FIELD})`,
            batch[k],
          );
        return;
      }
      const owner = this.worker.owner(origin.topic, origin.partition);
      if (!owner) return ctx.count('revoked', j - i); // another member's now: it reads them again from the last commit
      const part = this.parts.get(partKey(origin));
      if (!part || part.generation !== owner.generation) claims.push(this.claim(origin, owner));
      runs.push([i, j]);
    });
    const go = (): Promise<void> | void => {
      const out: Rec[] = [];
      const late: Rec[] = [];
      let applied = false;
      for (const [i, j] of runs) applied = this.apply(batch, i, j, out, late) || applied;
      // The records are in the state now: their acknowledgement waits for the checkpoint that saves it.
      if (applied) this.pendingHolds.push(hold);
      else hold.release();
      return sendResults(this.shape, out, late, out.length ? [this.resultHold()] : []);
    };
    return claims.length ? Promise.all(claims).then(go) : go();
  }

  async finish(): Promise<void> {
    // Stopping: the open windows are saved, not fired — whoever holds the partitions next goes on with them.
    await this.saving;
    await this.checkpoint();
  }

  close(): void {
    clearInterval(this.timer);
    this.unsubscribe();
  }
}
