/**
 * `redis` sink: the room's live state in Redis — counters, hashes, leaderboards, streams, pub/sub, values — each
 * record one command built from JSONata templates, a batch sent as one pipeline. A batch is acknowledged when Redis
 * has answered it; a record Redis refuses (WRONGTYPE, ...) goes to the error / dead-letter path and the others are
 * written.
 */
import type Redis from 'ioredis';
import { z } from 'zod';
import { BAIL, compileExpression, evaluateExpression as evaluate, lintExpression } from '../../expression/expression';
import { defineNode, type Rec } from '../../contract/spec';
import type { LiveKey } from '../../../shared/live-state';
import { redisConnection } from '../../connectors/redis/profiles';

const LOCAL = 'local';

/** How many distinct keys of a node the live-state panel follows. */
const KEYS_FOLLOWED = 20;

const config = z.strictObject({
  profile: z
    .string()
    .min(1)
    .default(LOCAL)
    .describe(
      'The Redis connection: "local" is a redis-server Sluice starts itself (development only); others are kept in the app’s settings (redis.profiles: url, username, tls.caFile), their password in the secret store or SLUICE_SECRET_REDIS_<PROFILE>.',
    ),
  mode: z
    .enum(['counter', 'hash', 'leaderboard', 'stream', 'publish', 'value'])
    .describe(
      'counter: INCRBY key (or HINCRBY key field); hash: HSET key field value; leaderboard: ZINCRBY key by member; stream: XADD key MAXLEN ~ n; publish: PUBLISH channel; value: SET key (EX ttl).',
    ),
  key: z.string().min(1).describe('JSONata: the key (or channel), e.g. "likes:" & room.'),
  field: z
    .string()
    .optional()
    .describe('JSONata: the hash field (counter with a field uses HINCRBY; hash mode needs it).'),
  member: z.string().optional().describe('JSONata: the leaderboard member, e.g. user.'),
  by: z.string().optional().describe('JSONata: the increment for counter and leaderboard (default 1), e.g. coins.'),
  value: z
    .string()
    .optional()
    .describe(
      'JSONata: the value for hash, value and publish (default: the record as JSON); stream: the fields as an object (default: the record).',
    ),
  ttlSeconds: z.number().int().min(1).optional().describe('value mode: expire after this long.').meta({ unit: 's' }),
  maxLen: z.number().int().min(1).default(10_000).describe('stream mode: keep about this many entries (MAXLEN ~).'),
});

type Config = z.output<typeof config>;

/** ioredis's words for a command that never reached Redis, or whose answer never came back. */
const CONNECTION_LOST = /isn't writeable|Connection is closed|ECONNRESET|ECONNREFUSED|EPIPE|max retries per request/i;

/**
 * Run a pipeline, waiting for the connection whenever it is lost and sending it again then. A pipeline that failed
 * mid-way is sent whole again: its commands may run twice (at least once), never not at all.
 */
async function execWhenConnected(
  redis: Redis,
  commands: Command[],
  signal: AbortSignal,
): Promise<[Error | null, unknown][]> {
  for (;;) {
    if (redis.status !== 'ready') {
      await new Promise<void>((resolve) => {
        const done = () => {
          redis.off('ready', done);
          resolve();
        };
        redis.once('ready', done);
        // A stop while waiting: give up on this batch (it is not acknowledged, so it is read again next time).
        signal.addEventListener('abort', done, { once: true });
      });
      if ((redis.status as string) !== 'ready')
        throw new Error('Redis is away and the run is stopping: this batch was not written');
    }
    try {
      const pipe = redis.pipeline();
      for (const [name, args] of commands) pipe.call(name, ...args);
      const results = ((await pipe.exec()) ?? []) as [Error | null, unknown][];
      // Lost on the way (not refused by Redis): send it all again once connected.
      if (results.some(([e]) => e && CONNECTION_LOST.test(e.message))) continue;
      return results;
    } catch (err) {
      if (!CONNECTION_LOST.test((err as Error).message) && redis.status === 'ready') throw err;
    }
  }
}

/** A Redis command: its name and arguments. */
type Command = [string, (string | number)[]];

const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

export default defineNode({
  type: 'redis',
  category: 'sinks',
  title: 'Redis',
  description:
    'Writes live state to Redis: counters, hashes, leaderboards, streams, pub/sub or values, pipelined per batch.',
  inputs: [{ name: 'in', type: 'record', description: 'Records, each one command.' }],
  outputs: [],
  config,
  lint(cfg, report) {
    for (const f of ['key', 'field', 'member', 'by', 'value'] as const) if (cfg[f]) lintExpression(cfg[f], f, report);
    if (cfg.mode === 'hash' && !cfg.field) report('field', 'hash mode needs a field');
    if (cfg.mode === 'leaderboard' && !cfg.member) report('member', 'leaderboard mode needs a member');
  },
  create(cfg: Config, ctx) {
    const compile = (s: string | undefined) => (s ? compileExpression(s) : undefined);
    const [key, field, member, by, value] = [
      compile(cfg.key)!,
      compile(cfg.field),
      compile(cfg.member),
      compile(cfg.by),
      compile(cfg.value),
    ];
    let redis: Redis | undefined;

    /** A number for `by`, or 1 when there is no `by`. */
    const num = (n: unknown): number => {
      if (n === undefined) return 1;
      if (typeof n !== 'number' || !Number.isFinite(n))
        throw new Error(`by expression gave ${JSON.stringify(n)}, not a number`);
      return n;
    };

    /** One record's command from the expressions' values, as a name and arguments for `call`. */
    const command = (r: Rec, kv: unknown, fv: unknown, mv: unknown, bv: unknown, vv: unknown): Command => {
      const k = text(kv);
      switch (cfg.mode) {
        case 'counter': {
          const n = num(bv);
          if (!Number.isInteger(n)) throw new Error(`by expression gave ${n}: counters count in whole numbers`);
          return field ? ['HINCRBY', [k, text(fv), n]] : ['INCRBY', [k, n]];
        }
        case 'hash':
          return ['HSET', [k, text(fv), value ? text(vv) : JSON.stringify(r)]];
        case 'leaderboard':
          return ['ZINCRBY', [k, num(bv), text(mv)]];
        case 'stream': {
          const args: (string | number)[] = [k, 'MAXLEN', '~', cfg.maxLen, '*'];
          for (const [f, v] of Object.entries((value ? vv : r) as Record<string, unknown>)) args.push(f, text(v));
          return ['XADD', args];
        }
        case 'publish':
          return ['PUBLISH', [k, value ? text(vv) : JSON.stringify(r)]];
        case 'value': {
          const v = value ? text(vv) : JSON.stringify(r);
          return ['SET', cfg.ttlSeconds ? [k, v, 'EX', cfg.ttlSeconds] : [k, v]];
        }
      }
    };

    /** The command for a record: the compiled expressions' values, or the interpreter's where one declines. */
    const commandFor = (r: Rec): Command | Promise<Command> => {
      const kv = key.fast(r);
      const fv = field ? field.fast(r) : undefined;
      const mv = member ? member.fast(r) : undefined;
      const bv = by ? by.fast(r) : undefined;
      const vv = value ? value.fast(r) : undefined;
      if (kv !== BAIL && fv !== BAIL && mv !== BAIL && bv !== BAIL && vv !== BAIL)
        return command(r, kv, fv, mv, bv, vv);
      const all = [key, field, member, by, value].map((e) => (e ? evaluate(e, r) : undefined));
      return Promise.all(all).then((v) => command(r, ...(v as [unknown, unknown, unknown, unknown, unknown])));
    };

    /** The keys written, the first KEYS_FOLLOWED of them (the live-state panel shows these), and the last messages published. */
    const keys = new Set<string>();
    let moreKeys = false;
    const published = new Map<string, string[]>();
    const remember = (commands: Command[]) => {
      for (const [, args] of commands) {
        const k = args[0] as string;
        if (!keys.has(k)) {
          if (keys.size < KEYS_FOLLOWED) keys.add(k);
          else moreKeys = true;
        }
        if (cfg.mode === 'publish' && keys.has(k)) {
          let m = published.get(k);
          if (!m) published.set(k, (m = []));
          m.push(args[1] as string);
          if (m.length > 10) m.shift();
        }
      }
    };

    /** What one key holds now. */
    const read = async (k: string): Promise<LiveKey> => {
      const r = redis!;
      const hash = async (): Promise<LiveKey> => {
        const all = Object.entries(await r.hgetall(k));
        // Counts largest first; a hash's fields by name.
        all.sort(cfg.mode === 'counter' ? (a, b) => Number(b[1]) - Number(a[1]) : (a, b) => a[0].localeCompare(b[0]));
        return { kind: 'hash', key: k, fields: all.slice(0, 20), size: all.length };
      };
      switch (cfg.mode) {
        case 'counter':
          return field ? hash() : { kind: 'counter', key: k, value: Number((await r.get(k)) ?? 0) };
        case 'hash':
          return hash();
        case 'leaderboard': {
          const [flat, size] = await Promise.all([r.zrevrange(k, 0, 9, 'WITHSCORES'), r.zcard(k)]);
          const top: { member: string; score: number }[] = [];
          for (let i = 0; i < flat.length; i += 2) top.push({ member: flat[i]!, score: Number(flat[i + 1]) });
          return { kind: 'leaderboard', key: k, top, size };
        }
        case 'stream': {
          const [entries, length] = await Promise.all([r.xrevrange(k, '+', '-', 'COUNT', 10), r.xlen(k)]);
          return {
            kind: 'stream',
            key: k,
            length,
            entries: entries.map(([id, flat]) => ({
              id,
              fields: Object.fromEntries(flat.flatMap((v, i) => (i % 2 ? [] : [[v, flat[i + 1]!]]))),
            })),
          };
        }
        case 'value': {
          const [value, ttl] = await Promise.all([r.get(k), r.ttl(k)]);
          return { kind: 'value', key: k, value, ...(ttl >= 0 ? { ttlSeconds: ttl } : {}) };
        }
        case 'publish':
          return { kind: 'messages', key: k, messages: [...(published.get(k) ?? [])].reverse() };
      }
    };

    return {
      async liveState() {
        const view = { mode: cfg.mode, profile: cfg.profile, keys: [] as LiveKey[], moreKeys };
        if (!redis || redis.status !== 'ready')
          return { ...view, error: `Redis is away (${redis?.status ?? 'not connected'})` };
        try {
          return { ...view, keys: await Promise.all([...keys].sort().map(read)) };
        } catch (err) {
          return { ...view, error: (err as Error).message };
        }
      },
      async open() {
        // No offline queue: while Redis is away nothing piles up in memory here; the batch waits (back pressure)
        // and is sent again once the connection is back (ioredis reconnects with backoff).
        const c = await redisConnection(cfg.profile, {
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          retryStrategy: (n) => Math.min(100 * 2 ** n, 5000),
        });
        redis = c.redis;
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
      },
      async process(_port, batch) {
        const commands: Command[] = [];
        const sent: Rec[] = [];
        for (const r of batch) {
          try {
            const c = commandFor(r);
            commands.push(c instanceof Promise ? await c : c);
            sent.push(r);
          } catch (err) {
            const written = ctx.error((err as Error).message, r);
            if (written) await written;
          }
        }
        if (sent.length === 0) return;
        // Acknowledged when Redis has answered the whole pipeline; a refused command is that record's error.
        remember(commands);
        const results = await execWhenConnected(redis!, commands, ctx.signal);
        for (const [i, [err]] of results.entries()) {
          if (!err) continue;
          const written = ctx.error(
            `Redis refused ${cfg.mode} on ${JSON.stringify(sent[i]!)}: ${err.message}`,
            sent[i],
          );
          if (written) await written;
        }
      },
      async close() {
        redis?.disconnect();
      },
    };
  },
});
