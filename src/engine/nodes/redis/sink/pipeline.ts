/**
 * Sending a batch's commands to Redis as one pipeline, again whenever the connection was lost on the way, until the
 * run stops.
 */
import type Redis from 'ioredis';

/** A Redis command: its name and arguments. */
export type Command = [string, (string | number)[]];

export const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** ioredis's words for a command that never reached Redis, or whose answer never came back. */
const CONNECTION_LOST = /isn't writeable|Connection is closed|ECONNRESET|ECONNREFUSED|EPIPE|max retries per request/i;

const AWAY = 'Redis is away and the run is stopping: this batch was not written';

/**
 * Run a pipeline, waiting for the connection whenever it is lost and sending it again then. A pipeline that failed
 * mid-way is sent whole again: its commands may run twice (at least once), never not at all.
 */
export async function execWhenConnected(
  redis: Redis,
  commands: Command[],
  signal: AbortSignal,
): Promise<[Error | null, unknown][]> {
  for (;;) {
    if (redis.status !== 'ready') {
      // Already stopping (the server went as the run stopped: Ctrl+C reaches both): no wait for a 'ready' to come.
      if (signal.aborted) throw new Error(AWAY);
      await new Promise<void>((resolve) => {
        const done = () => {
          redis.off('ready', done);
          resolve();
        };
        redis.once('ready', done);
        // A stop while waiting: give up on this batch (it is not acknowledged, so it is read again next time).
        signal.addEventListener('abort', done, { once: true });
      });
      if ((redis.status as string) !== 'ready') throw new Error(AWAY);
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
