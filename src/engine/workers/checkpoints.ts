/**
 * The workers' shared store in Redis: each partition's keyed state (checkpoints, fenced per claim), and each
 * worker's report of what it holds (the studio's view of a running group).
 *
 * A partition's state is one hash, `sluice:state:<group>:<node>:<topic>:<partition>`, with `epoch` (raised by every
 * claim), `upTo` and `state`. A save is taken only with the epoch of the latest claim, in a Lua script, so a worker
 * that lost the partition without noticing (it missed a rebalance) cannot overwrite its new owner's state.
 */
import type Redis from 'ioredis';
import type { CheckpointStore, PartitionSnapshot, StateKey } from './context';
import type { WorkerReport } from '../../shared/workers';

const stateKey = (k: StateKey): string => `sluice:state:${k.group}:${k.node}:${k.topic}:${k.partition}`;
export const workersKey = (group: string): string => `sluice:workers:${group}`;

const CLAIM = `local e = redis.call('HINCRBY', KEYS[1], 'epoch', 1)
local s = redis.call('HMGET', KEYS[1], 'upTo', 'state')
return {e, s[1], s[2]}`;

const SAVE = `local refused = {}
for i, key in ipairs(KEYS) do
  local epoch = tonumber(redis.call('HGET', key, 'epoch') or '0')
  if epoch == tonumber(ARGV[3 * i - 2]) then
    redis.call('HSET', key, 'upTo', ARGV[3 * i - 1], 'state', ARGV[3 * i])
  else
    refused[#refused + 1] = i
  end
end
return refused`;

export class RedisCheckpointStore implements CheckpointStore {
  constructor(private readonly redis: Redis) {}

  /**
   * Run a command; once `signal` is aborted (the run is stopping) and Redis is not connected, fail at once rather
   * than wait in ioredis's queue for it to come back.
   */
  private command<T>(run: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    const away = () => new Error(`Redis is away (${this.redis.status}) and the run is stopping`);
    if (!signal) return run();
    if (signal.aborted && this.redis.status !== 'ready') return Promise.reject(away());
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        if (this.redis.status !== 'ready') reject(away());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      run()
        .then(resolve, reject)
        .finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  async claim(key: StateKey, signal?: AbortSignal): Promise<{ token: number; saved: PartitionSnapshot | undefined }> {
    const [epoch, upTo, state] = (await this.command(() => this.redis.eval(CLAIM, 1, stateKey(key)), signal)) as [
      number,
      string | null,
      string | null,
    ];
    return {
      token: Number(epoch),
      saved: upTo !== null && state !== null ? { upTo: Number(upTo), state: JSON.parse(state) as unknown } : undefined,
    };
  }

  async save(
    entries: { key: StateKey; token: number; snapshot: PartitionSnapshot }[],
    signal?: AbortSignal,
  ): Promise<StateKey[]> {
    if (!entries.length) return [];
    const args = entries.flatMap((e) => [String(e.token), String(e.snapshot.upTo), JSON.stringify(e.snapshot.state)]);
    const keys = entries.map((e) => stateKey(e.key));
    const refused = (await this.command(
      () => this.redis.eval(SAVE, entries.length, ...keys, ...args),
      signal,
    )) as number[];
    return refused.map((i) => entries[i - 1]!.key);
  }

  /** Say what this worker holds (the studio reads it); reports older than `staleMs` are removed by readers. */
  async report(r: WorkerReport): Promise<void> {
    await this.redis.hset(workersKey(r.group), r.memberId, JSON.stringify(r));
  }

  /** This worker left the group. */
  async leave(group: string, memberId: string): Promise<void> {
    await this.redis.hdel(workersKey(group), memberId);
  }
}

/** The workers of a group as they last reported, newest first; those not heard from for `forgetMs` are removed. */
export async function readWorkerReports(redis: Redis, group: string, forgetMs = 60_000): Promise<WorkerReport[]> {
  const all = await redis.hgetall(workersKey(group));
  const now = Date.now();
  const reports: WorkerReport[] = [];
  for (const [member, text] of Object.entries(all)) {
    let r: WorkerReport | undefined;
    try {
      r = JSON.parse(text) as WorkerReport;
    } catch {
      r = undefined;
    }
    if (!r || now - r.updatedAt > forgetMs) await redis.hdel(workersKey(group), member);
    else reports.push(r);
  }
  return reports.sort((a, b) => a.startedAt - b.startedAt || (a.memberId < b.memberId ? -1 : 1));
}
