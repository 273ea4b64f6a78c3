/**
 * The Redis sink at run time: each record one command from the compiled templates, a batch one pipeline,
 * acknowledged when Redis has answered it; a refused command is that record's error.
 */
import type Redis from 'ioredis';
import type { LiveStateView } from '../../../../shared/live-state';
import { redisConnection } from '../../../connectors/redis/profiles';
import type { NodeContext, NodeInstance, Rec } from '../../../contract/node';
import {
  BAIL,
  compileExpression,
  evaluateExpression as evaluate,
  type CompiledExpression,
} from '../../../expression/expression';
import type { RedisSinkConfig } from './config';
import { LiveKeys } from './live';
import { execWhenConnected, text, type Command } from './pipeline';

/** A number for `by`, or 1 when there is no `by`. */
function num(n: unknown): number {
  if (n === undefined) return 1;
  if (typeof n !== 'number' || !Number.isFinite(n))
    throw new Error(`by expression gave ${JSON.stringify(n)}, not a number`);
  return n;
}

export class RedisSink implements NodeInstance {
  private redis: Redis | undefined;
  private readonly key: CompiledExpression;
  private readonly field: CompiledExpression | undefined;
  private readonly member: CompiledExpression | undefined;
  private readonly by: CompiledExpression | undefined;
  private readonly value: CompiledExpression | undefined;
  private readonly live: LiveKeys;

  constructor(
    private readonly cfg: RedisSinkConfig,
    private readonly ctx: NodeContext,
  ) {
    const compile = (s: string | undefined) => (s ? compileExpression(s) : undefined);
    this.key = compile(cfg.key)!;
    this.field = compile(cfg.field);
    this.member = compile(cfg.member);
    this.by = compile(cfg.by);
    this.value = compile(cfg.value);
    this.live = new LiveKeys(cfg);
  }

  /** One record's command from the expressions' values, as a name and arguments for `call`. */
  private command(r: Rec, kv: unknown, fv: unknown, mv: unknown, bv: unknown, vv: unknown): Command {
    const { cfg } = this;
    const k = text(kv);
    switch (cfg.mode) {
      case 'counter': {
        const n = num(bv);
        if (!Number.isInteger(n)) throw new Error(`by expression gave ${n}: counters count in whole numbers`);
        return this.field ? ['HINCRBY', [k, text(fv), n]] : ['INCRBY', [k, n]];
      }
      case 'hash':
        return ['HSET', [k, text(fv), this.value ? text(vv) : JSON.stringify(r)]];
      case 'leaderboard':
        return ['ZINCRBY', [k, num(bv), text(mv)]];
      case 'stream': {
        const args: (string | number)[] = [k, 'MAXLEN', '~', cfg.maxLen, '*'];
        for (const [f, v] of Object.entries((this.value ? vv : r) as Record<string, unknown>)) args.push(f, text(v));
        return ['XADD', args];
      }
      case 'publish':
        return ['PUBLISH', [k, this.value ? text(vv) : JSON.stringify(r)]];
      case 'value': {
        const v = this.value ? text(vv) : JSON.stringify(r);
        return ['SET', cfg.ttlSeconds ? [k, v, 'EX', cfg.ttlSeconds] : [k, v]];
      }
    }
  }

  /** The command for a record: the compiled expressions' values, or the interpreter's where one declines. */
  private commandFor(r: Rec): Command | Promise<Command> {
    const { key, field, member, by, value } = this;
    const kv = key.fast(r);
    const fv = field ? field.fast(r) : undefined;
    const mv = member ? member.fast(r) : undefined;
    const bv = by ? by.fast(r) : undefined;
    const vv = value ? value.fast(r) : undefined;
    if (kv !== BAIL && fv !== BAIL && mv !== BAIL && bv !== BAIL && vv !== BAIL)
      return this.command(r, kv, fv, mv, bv, vv);
    const all = [key, field, member, by, value].map((e) => (e ? evaluate(e, r) : undefined));
    return Promise.all(all).then((v) => this.command(r, ...(v as [unknown, unknown, unknown, unknown, unknown])));
  }

  async liveState(): Promise<Omit<LiveStateView, 'nodeId'>> {
    const { redis, live } = this;
    const view = {
      mode: this.cfg.mode,
      profile: this.cfg.profile,
      keys: [] as LiveStateView['keys'],
      moreKeys: live.moreKeys,
    };
    if (!redis || redis.status !== 'ready')
      return { ...view, error: `Redis is away (${redis?.status ?? 'not connected'})` };
    try {
      return { ...view, keys: await Promise.all([...live.keys].sort().map((k) => live.read(redis, k))) };
    } catch (err) {
      return { ...view, error: (err as Error).message };
    }
  }

  async open(): Promise<void> {
    // No offline queue: while Redis is away nothing piles up in memory here; the batch waits (back pressure)
    // and is sent again once the connection is back (ioredis reconnects with backoff).
    const { cfg, ctx } = this;
    const c = await redisConnection(cfg.profile, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: (n) => Math.min(100 * 2 ** n, 5000),
    });
    const redis = (this.redis = c.redis);
    // connect() rejects with "Connection is closed."; the reason (ECONNREFUSED, ...) comes as an event.
    let reason: Error | undefined;
    redis.on('error', (e: Error) => (reason = e));
    redis.on('reconnecting', () => ctx.status('reconnecting'));
    redis.on('ready', () => ctx.status('running'));
    try {
      await redis.connect();
      await redis.ping();
    } catch (err) {
      redis.disconnect();
      throw new Error(
        `cannot use Redis with profile "${cfg.profile}" (${c.url}): ${(reason && /closed/.test((err as Error).message) ? reason : (err as Error)).message}${c.hint}`,
      );
    }
  }

  async process(_port: string, batch: Rec[]): Promise<void> {
    const { cfg, ctx } = this;
    const commands: Command[] = [];
    const sent: Rec[] = [];
    for (const r of batch) {
      try {
        const c = this.commandFor(r);
        commands.push(c instanceof Promise ? await c : c);
        sent.push(r);
      } catch (err) {
        const written = ctx.error((err as Error).message, r);
        if (written) await written;
      }
    }
    if (sent.length === 0) return;
    // Acknowledged when Redis has answered the whole pipeline; a refused command is that record's error.
    this.live.remember(commands);
    const results = await execWhenConnected(this.redis!, commands, ctx.signal);
    for (const [i, [err]] of results.entries()) {
      if (!err) continue;
      const written = ctx.error(`Redis refused ${cfg.mode} on ${JSON.stringify(sent[i]!)}: ${err.message}`, sent[i]);
      if (written) await written;
    }
  }

  close(): void {
    this.redis?.disconnect();
  }
}
