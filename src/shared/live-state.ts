/**
 * What a running pipeline keeps in Redis, as the live-state panel shows it: per Redis sink, the keys it has written
 * (the first ones it wrote, up to a limit) with what they hold now, read from Redis.
 */
export type LiveKey =
  | { kind: 'counter'; key: string; value: number }
  /** A counter with a field (HINCRBY) or a hash (HSET): its fields, largest counts first for counters. */
  | { kind: 'hash'; key: string; fields: [string, string][]; size: number }
  /** A leaderboard's top 10, highest score first, and how many members it has. */
  | { kind: 'leaderboard'; key: string; top: { member: string; score: number }[]; size: number }
  /** A stream's newest entries, newest first, and its length. */
  | { kind: 'stream'; key: string; length: number; entries: { id: string; fields: Record<string, string> }[] }
  | { kind: 'value'; key: string; value: string | null; ttlSeconds?: number }
  /** Pub/sub: the last messages this node published on the channel. */
  | { kind: 'messages'; key: string; messages: string[] };

export interface LiveStateView {
  nodeId: string;
  mode: string;
  profile: string;
  keys: LiveKey[];
  /** More distinct keys were written than are followed here. */
  moreKeys: boolean;
  /** Redis could not be read just now (it is away, or refused). */
  error?: string;
}
