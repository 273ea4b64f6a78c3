/**
 * The RPC layer: turns `StudioMethods` + `StudioEvents` into messages over any port that carries strings.
 *
 * This is the only module that knows the wire format. Transports (Electron IPC, WebSocket, in-memory) implement
 * `MessagePortLike` in a few lines each and never look inside a message.
 */
import {
  STUDIO_EVENTS,
  type StudioStreamName,
  type StudioStreamServers,
  StudioError,
  type StudioApi,
  type StudioEventName,
  type StudioEvents,
  type StudioMethods,
} from './api';
import type { EventHub } from './events';
import type { ValidationIssue } from './validation';

/** A bidirectional message port carrying text. */
export interface MessagePortLike {
  send(message: string): void;
  onMessage(listener: (message: string) => void): () => void;
  /** Bytes sent but not yet written out (for streams that may skip when the other end is slow). */
  backlog?(): number;
}

type Envelope =
  | { t: 'call'; id: number; method: string; args: unknown[] }
  | { t: 'result'; id: number; value: unknown }
  | { t: 'error'; id: number | null; error: { message: string; code: string; issues?: ValidationIssue[] } }
  | { t: 'sub'; event: string }
  | { t: 'unsub'; event: string }
  | { t: 'event'; event: string; payload: unknown }
  | { t: 'open'; id: number; stream: string; args: unknown[] }
  | { t: 'chunk'; id: number; data: unknown }
  | { t: 'end'; id: number; error?: string }
  | { t: 'close'; id: number };

/** A stream's sender counts as congested with more than this unsent on its connection. */
const STREAM_BACKLOG_BYTES = 4 * 1024 * 1024;

/**
 * What the serving side knows of the API at run time (the engine declares it once, with the argument schemas):
 * which names are methods and streams, and a check of a call's arguments that names the bad one.
 */
export interface ApiContract {
  isMethod(name: string): name is keyof StudioMethods;
  isStream(name: string): name is StudioStreamName;
  check(name: keyof StudioMethods | StudioStreamName, args: unknown[]): string | undefined;
}

const isEvent = (e: unknown): e is StudioEventName =>
  typeof e === 'string' && (STUDIO_EVENTS as readonly string[]).includes(e);

function errorEnvelope(id: number | null, err: unknown): Envelope {
  if (err instanceof StudioError) {
    return { t: 'error', id, error: { message: err.message, code: err.code, issues: err.issues } };
  }
  return { t: 'error', id, error: { message: err instanceof Error ? err.message : String(err), code: 'error' } };
}

/**
 * Serve `methods`, `events` and `streams` on one port (one connection). Returns a function that detaches it.
 * A malformed message gets an error reply; the connection stays up.
 */
export function serveApi(
  port: MessagePortLike,
  methods: StudioMethods,
  events: EventHub<StudioEvents>,
  contract: ApiContract,
  streams?: StudioStreamServers,
): () => void {
  const subs = new Map<string, () => void>();
  const open = new Map<number, () => void>();
  const send = (e: Envelope): void => port.send(JSON.stringify(e));

  const openStream = (id: number, name: StudioStreamName, args: unknown[]): void => {
    if (!streams) return send({ t: 'end', id, error: 'streams are not served here' });
    const problem = Array.isArray(args) ? contract.check(name, args) : 'args must be an array';
    if (problem) return send({ t: 'end', id, error: `${name}: ${problem}` });
    let ended = false;
    // (Each stream's arguments and chunks were checked by its own types where it is served; here they are opaque.)
    const serve = streams[name] as (
      a: unknown[],
      out: { send(data: unknown): void; end(error?: string): void; congested(): boolean },
    ) => () => void;
    const close = serve.call(streams, args, {
      send: (data) => {
        if (!ended) send({ t: 'chunk', id, data });
      },
      end: (error) => {
        if (ended) return;
        ended = true;
        open.get(id)?.();
        open.delete(id);
        send(error === undefined ? { t: 'end', id } : { t: 'end', id, error });
      },
      congested: () => (port.backlog?.() ?? 0) > STREAM_BACKLOG_BYTES,
    });
    if (ended) close();
    else open.set(id, close);
  };

  const handle = async (raw: string): Promise<void> => {
    let msg: Partial<Envelope> & Record<string, unknown>;
    try {
      msg = JSON.parse(raw) as typeof msg;
    } catch (e) {
      send(errorEnvelope(null, new StudioError(`malformed message: ${(e as Error).message}`, 'bad-message')));
      return;
    }
    if (!msg || typeof msg !== 'object' || Array.isArray(msg)) {
      send(errorEnvelope(null, new StudioError('malformed message: expected a JSON object', 'bad-message')));
      return;
    }
    if (msg.t === 'sub' || msg.t === 'unsub') {
      if (!isEvent(msg.event)) {
        send(errorEnvelope(null, new StudioError(`unknown event "${String(msg.event)}"`, 'bad-message')));
        return;
      }
      const event = msg.event;
      subs.get(event)?.();
      subs.delete(event);
      if (msg.t === 'sub') {
        subs.set(
          event,
          events.on(event, (payload) => send({ t: 'event', event, payload })),
        );
      }
      return;
    }
    const id = typeof msg.id === 'number' && Number.isSafeInteger(msg.id) ? msg.id : null;
    if ((msg.t === 'open' || msg.t === 'close') && id !== null) {
      if (msg.t === 'close') {
        open.get(id)?.();
        open.delete(id);
      } else if (typeof msg.stream !== 'string' || !contract.isStream(msg.stream))
        send({ t: 'end', id, error: `unknown stream "${String(msg.stream)}"` });
      else if (open.has(id)) send({ t: 'end', id, error: `stream ${id} is already open` });
      else openStream(id, msg.stream, msg.args as unknown[]);
      return;
    }
    if (msg.t !== 'call' || id === null) {
      send(
        errorEnvelope(
          id,
          new StudioError('malformed message: expected {t:"call", id:number, method, args}', 'bad-message'),
        ),
      );
      return;
    }
    if (typeof msg.method !== 'string' || !contract.isMethod(msg.method)) {
      send(errorEnvelope(id, new StudioError(`unknown method "${String(msg.method)}"`, 'bad-message')));
      return;
    }
    const args = msg.args ?? [];
    if (!Array.isArray(args)) {
      send(errorEnvelope(id, new StudioError(`${msg.method}: args must be an array`, 'bad-args')));
      return;
    }
    const problem = contract.check(msg.method, args);
    if (problem) {
      send(errorEnvelope(id, new StudioError(`${msg.method}: ${problem}`, 'bad-args')));
      return;
    }
    try {
      const fn = methods[msg.method] as (...a: unknown[]) => Promise<unknown>;
      const value = await fn.apply(methods, args);
      send({ t: 'result', id, value });
    } catch (err) {
      send(errorEnvelope(id, err));
    }
  };

  const off = port.onMessage((raw) => void handle(raw));
  return () => {
    off();
    for (const u of subs.values()) u();
    subs.clear();
    for (const c of open.values()) c();
    open.clear();
  };
}

/** Options for a client. */
export interface ConnectOptions {
  /** Called with server errors that answer no call (e.g. a reply to a malformed message). */
  onStrayError?: (message: string) => void;
}

/** What a method name looks like; and names that tools probe objects for, which are never methods. */
const METHOD_NAME = /^[a-z][A-Za-z0-9]*$/;
const NOT_METHODS = new Set(['then', 'toJSON', 'constructor', 'valueOf', 'toString', 'nodeType', 'asymmetricMatch']);

/** Create a `StudioApi` client over a port. Calls made before the port is ready are the transport's concern. */
export function connectApi(port: MessagePortLike, options: ConnectOptions = {}): StudioApi {
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const streams = new Map<number, { onChunk: (c: never) => void; onEnd?: (error?: string) => void }>();

  port.onMessage((raw) => {
    let msg: Envelope;
    try {
      msg = JSON.parse(raw) as Envelope;
    } catch {
      options.onStrayError?.('the server sent a malformed message');
      return;
    }
    if (msg.t === 'result' || msg.t === 'error') {
      const p = msg.id === null ? undefined : pending.get(msg.id);
      if (!p) {
        if (msg.t === 'error') options.onStrayError?.(msg.error.message);
        return;
      }
      pending.delete(msg.id!);
      if (msg.t === 'result') p.resolve(msg.value);
      else p.reject(new StudioError(msg.error.message, msg.error.code, msg.error.issues));
    } else if (msg.t === 'event') {
      for (const fn of listeners.get(msg.event) ?? []) fn(msg.payload);
    } else if (msg.t === 'chunk') {
      streams.get(msg.id)?.onChunk(msg.data as never);
    } else if (msg.t === 'end') {
      const s = streams.get(msg.id);
      streams.delete(msg.id);
      s?.onEnd?.(msg.error);
    }
  });

  const call = (method: string, given: unknown[]): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      // Optional arguments left out at the end stay out (JSON would send them as null, which is not "absent").
      let n = given.length;
      while (n > 0 && given[n - 1] === undefined) n--;
      const args = given.slice(0, n);
      port.send(JSON.stringify({ t: 'call', id, method, args } satisfies Envelope));
    });

  const api = {
    stream(name: StudioStreamName, args: unknown[], onChunk: (c: never) => void, onEnd?: (error?: string) => void) {
      const id = nextId++;
      streams.set(id, { onChunk, onEnd });
      port.send(JSON.stringify({ t: 'open', id, stream: name, args } satisfies Envelope));
      return () => {
        if (!streams.delete(id)) return;
        port.send(JSON.stringify({ t: 'close', id } satisfies Envelope));
      };
    },
    on(event: StudioEventName, listener: (p: never) => void) {
      let set = listeners.get(event);
      if (!set) {
        listeners.set(event, (set = new Set()));
        port.send(JSON.stringify({ t: 'sub', event } satisfies Envelope));
      }
      set.add(listener as (p: unknown) => void);
      return () => {
        set.delete(listener as (p: unknown) => void);
        if (set.size === 0) {
          listeners.delete(event);
          port.send(JSON.stringify({ t: 'unsub', event } satisfies Envelope));
        }
      };
    },
  } as Record<string, unknown>;
  // Every other name is a method, called on the server (which knows the list and refuses others in words), made
  // once per name. Names that probe an object (`then`: is it a promise; `toJSON`; `$$typeof`...) are not methods.
  return new Proxy(api, {
    get(target, name) {
      if (typeof name !== 'string' || name in target || !METHOD_NAME.test(name) || NOT_METHODS.has(name))
        return target[name as string];
      const fn = (...args: unknown[]) => call(name, args);
      target[name] = fn;
      return fn;
    },
  }) as unknown as StudioApi;
}

/** Two connected in-memory ports, for the CLI and tests. Delivery is asynchronous, like a real transport. */
export function createMemoryPortPair(): [MessagePortLike, MessagePortLike] {
  const make = (): { port: MessagePortLike; deliver: (m: string) => void } => {
    const ls = new Set<(m: string) => void>();
    return {
      port: {
        send: () => undefined,
        onMessage(fn) {
          ls.add(fn);
          return () => ls.delete(fn);
        },
      },
      deliver: (m) => queueMicrotask(() => ls.forEach((fn) => fn(m))),
    };
  };
  const a = make();
  const b = make();
  a.port.send = (m) => b.deliver(m);
  b.port.send = (m) => a.deliver(m);
  return [a.port, b.port];
}

/** The Electron IPC channel that carries the RPC messages (used by the preload and the main process only). */
export const IPC_CHANNEL = 'sluice:rpc';
