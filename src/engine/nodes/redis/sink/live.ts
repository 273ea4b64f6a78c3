/**
 * What a Redis sink keeps in Redis now, for the live-state panel: the first keys it wrote, read back by mode, and
 * the last messages it published.
 */
import type Redis from 'ioredis';
import type { LiveKey } from '../../../../shared/live-state';
import type { RedisSinkConfig } from './config';
import type { Command } from './pipeline';

/** How many distinct keys of a node the live-state panel follows. */
const KEYS_FOLLOWED = 20;

export class LiveKeys {
  /** The keys written, the first KEYS_FOLLOWED of them. */
  readonly keys = new Set<string>();
  moreKeys = false;
  private readonly published = new Map<string, string[]>();

  constructor(private readonly cfg: RedisSinkConfig) {}

  remember(commands: Command[]): void {
    for (const [, args] of commands) {
      const k = args[0] as string;
      if (!this.keys.has(k)) {
        if (this.keys.size < KEYS_FOLLOWED) this.keys.add(k);
        else this.moreKeys = true;
      }
      if (this.cfg.mode === 'publish' && this.keys.has(k)) {
        let m = this.published.get(k);
        if (!m) this.published.set(k, (m = []));
        m.push(args[1] as string);
        if (m.length > 10) m.shift();
      }
    }
  }

  /** What one key holds now. */
  async read(r: Redis, k: string): Promise<LiveKey> {
    const { cfg } = this;
    const hash = async (): Promise<LiveKey> => {
      const all = Object.entries(await r.hgetall(k));
      // Counts largest first; a hash's fields by name.
      all.sort(cfg.mode === 'counter' ? (a, b) => Number(b[1]) - Number(a[1]) : (a, b) => a[0].localeCompare(b[0]));
      return { kind: 'hash', key: k, fields: all.slice(0, 20), size: all.length };
    };
    switch (cfg.mode) {
      case 'counter':
        return cfg.field ? hash() : { kind: 'counter', key: k, value: Number((await r.get(k)) ?? 0) };
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
        return { kind: 'messages', key: k, messages: [...(this.published.get(k) ?? [])].reverse() };
    }
  }
}
