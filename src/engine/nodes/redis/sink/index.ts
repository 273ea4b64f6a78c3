/**
 * `redis` sink: the room's live state in Redis — counters, hashes, leaderboards, streams, pub/sub, values — each
 * record one command built from JSONata templates, a batch sent as one pipeline. A batch is acknowledged when Redis
 * has answered it; a record Redis refuses (WRONGTYPE, ...) goes to the error / dead-letter path and the others are
 * written.
 */
import { defineNode } from '../../../contract/spec';
import { lintExpression } from '../../../expression/expression';
import { redisSinkConfig } from './config';
import { RedisSink } from './sink';

export default defineNode({
  type: 'redis',
  category: 'sinks',
  title: 'Redis',
  description:
    'Writes live state to Redis: counters, hashes, leaderboards, streams, pub/sub or values, pipelined per batch.',
  inputs: [{ name: 'in', type: 'record', description: 'Records, each one command.' }],
  outputs: [],
  config: redisSinkConfig,
  lint(cfg, report) {
    for (const f of ['key', 'field', 'member', 'by', 'value'] as const) if (cfg[f]) lintExpression(cfg[f], f, report);
    if (cfg.mode === 'hash' && !cfg.field) report('field', 'hash mode needs a field');
    if (cfg.mode === 'leaderboard' && !cfg.member) report('member', 'leaderboard mode needs a member');
  },
  create: (cfg, ctx) => new RedisSink(cfg, ctx),
});
