/**
 * `live-room` source: synthetic chat, like and gift events for a set of rooms and users, deterministic for a seed.
 */
import { z } from 'zod';
import { defineNode, type Rec } from '../../contract/spec';
import { yieldToEventLoop } from '../../support/yield';
import { prng } from './random';
import type { SourceContext } from '../../contract/node';

export const LIVE_ROOM = 'live-room';

/** Longest stretch the source runs without letting timers and I/O in, when nothing downstream makes it wait. */
const YIELD_EVERY_MS = 4;

const config = z.strictObject({
  rooms: z.number().int().min(1).max(100_000).default(4).describe('Number of rooms.'),
  users: z.number().int().min(1).max(10_000_000).default(500).describe('Number of distinct users.'),
  rate: z
    .number()
    .min(1)
    .max(100_000_000)
    .default(2000)
    .describe('Events per second, both the pacing and the spacing of event times.')
    .meta({ unit: 'events/s' }),
  paced: z
    .boolean()
    .default(true)
    .describe('Hold to `rate` in wall-clock time; when false, produce as fast as back pressure allows.'),
  limit: z.number().int().min(0).default(0).describe('Stop after this many events; 0 runs until stopped.'),
  seed: z.number().int().default(1).describe('Seed of the generator: the same seed gives the same events.'),
  jitterMs: z
    .number()
    .int()
    .min(0)
    .default(0)
    .describe('Shift each event time back by up to this much, so events arrive out of order.')
    .meta({ unit: 'ms' }),
  startTime: z
    .number()
    .int()
    .min(0)
    .default(0)
    .describe('Event time of the first event, ms since the epoch; 0 means the wall clock at start.')
    .meta({ unit: 'ms' }),
  mix: z
    .strictObject({
      chat: z.number().min(0).default(60),
      like: z.number().min(0).default(35),
      gift: z.number().min(0).default(5),
    })
    .default({ chat: 60, like: 35, gift: 5 })
    .describe('Relative weights of chat, like and gift events.'),
  batchSize: z.number().int().min(1).max(10_000).default(256).describe('Records per batch sent downstream.'),
});

export type LiveRoomConfig = z.output<typeof config>;

const GIFTS = [
  { gift: 'rose', coins: 1 },
  { gift: 'heart', coins: 5 },
  { gift: 'rocket', coins: 50 },
  { gift: 'castle', coins: 500 },
] as const;
const WORDS = ['hello', 'nice', 'wow', 'lol', 'gg', 'love this', 'hi from', 'first', 'again!', 'so good'] as const;

/** Up to this many users, their names are cached (an array of strings); above it they are made per event. */
const NAME_CACHE_LIMIT = 1_000_000;

/** A deterministic generator of live-room events; `next(i)` must be called with i = 0, 1, 2, ... */
export function liveRoomGenerator(cfg: LiveRoomConfig, startTime: number): (i: number) => Rec {
  const rnd = prng(cfg.seed);
  const total = cfg.mix.chat + cfg.mix.like + cfg.mix.gift || 1;
  const pChat = cfg.mix.chat / total;
  const pLike = pChat + cfg.mix.like / total;
  const spacing = 1000 / cfg.rate;
  // Names are made once and shared: a fresh string per event is most of what the generator would allocate.
  const rooms = Array.from({ length: cfg.rooms }, (_, k) => `room-${k}`);
  // The config's fields are read once, into locals: the generator runs per event.
  const { rooms: nRooms, users: nUsers, jitterMs } = cfg;
  const cacheNames = nUsers <= NAME_CACHE_LIMIT;
  const users: string[] = cacheNames ? new Array<string>(nUsers) : [];
  const userName = (k: number): string => (cacheNames ? (users[k] ??= `user-${k}`) : `user-${k}`);
  return (i) => {
    const r = rnd();
    const room = rooms[Math.floor(rnd() * nRooms)]!;
    const user = userName(Math.floor(rnd() * nUsers));
    const jitter = jitterMs > 0 ? Math.floor(rnd() * (jitterMs + 1)) : 0;
    const ts = startTime + Math.floor(i * spacing) - jitter;
    if (r < pChat) {
      return { id: i, type: 'chat', room, user, ts, text: WORDS[Math.floor(rnd() * WORDS.length)]! };
    }
    if (r < pLike) return { id: i, type: 'like', room, user, ts, count: 1 + Math.floor(rnd() * 3) };
    const g = GIFTS[Math.floor(rnd() * rnd() * GIFTS.length)]!;
    return { id: i, type: 'gift', room, user, ts, gift: g.gift, coins: g.coins };
  };
}

/** The live room's clock once it has made `made` events: the undelayed event time of the last one. */
export const liveRoomClock = (cfg: LiveRoomConfig, startTime: number, made: number): number =>
  startTime + Math.floor((made - 1) * (1000 / cfg.rate));

export default defineNode({
  type: LIVE_ROOM,
  category: 'sources',
  title: 'Live room',
  description:
    'Synthetic live-room traffic: chat messages, likes and gifts for N rooms and M users, each with an event time (`ts`, ms). Deterministic for a seed; optional out-of-order jitter. Sends its clock as its watermark after each batch: the event time of the last event made, before its jitter.',
  inputs: [],
  outputs: [{ name: 'out', type: 'record', description: 'Events: {id, type, room, user, ts, ...}' }],
  config,
  eventTime: true,
  create(cfg, ctx: SourceContext) {
    return {
      async run() {
        const start = cfg.startTime || Date.now();
        const next = liveRoomGenerator(cfg, start);
        const t0 = performance.now();
        let i = 0;
        let lastYield = t0;
        while (!ctx.signal.aborted && (cfg.limit === 0 || i < cfg.limit)) {
          let n = cfg.batchSize;
          if (cfg.limit) n = Math.min(n, cfg.limit - i);
          if (cfg.paced) {
            const due = Math.floor(((performance.now() - t0) / 1000) * cfg.rate) - i;
            if (due <= 0) {
              const waitMs = Math.max(1, ((i + 1) / cfg.rate) * 1000 - (performance.now() - t0));
              await new Promise((r) => setTimeout(r, Math.min(waitMs, 50)));
              continue;
            }
            n = Math.min(n, due);
          }
          let wait = ctx.emitEach('out', i, n, next);
          i += n;
          if (wait) await wait;
          // Its clock, behind the batch (one watermark: it has no partitions). Event i is made at
          // startTime + i / rate and dated up to jitterMs earlier: the clock is where the generator has got to, no
          // event it made is newer. (Kept per batch, not per event: a double written per event costs 8 % here.)
          wait = ctx.watermark({ time: liveRoomClock(cfg, start, i), idle: false });
          if (wait) await wait;
          else if (performance.now() - lastYield > YIELD_EVERY_MS) {
            // Give timers and I/O a turn now and then; yielding on every batch costs more than the batch.
            await yieldToEventLoop();
            lastYield = performance.now();
          }
        }
      },
    };
  },
});
