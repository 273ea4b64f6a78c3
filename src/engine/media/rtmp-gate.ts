/**
 * The door of an RTMP ingest. ffmpeg is the RTMP server (it listens on a loopback port of its own), but its listener
 * takes any stream key: it logs "Unexpected stream …, expecting …" and goes on. So the node's address is this gate,
 * a TCP (or TLS, for rtmps) server that passes the publisher's bytes through to ffmpeg and reads its commands as
 * they pass — RTMP chunks, AMF0 — holding each message back until it is whole: a `connect` to another application or
 * a `publish` with another stream key is never forwarded; the publisher is disconnected and told why in the node's
 * words instead. Once the stream is published, bytes pass untouched (and are counted: the publisher's bitrate).
 */
import { createServer as createTcpServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';

/** What the gate says happened at the door. */
export interface GateEvents {
  /** A publisher was let through with the right application and stream key. */
  publisher?(remote: string): void;
  /** A publisher was turned away, and why. */
  refused?(remote: string, reason: string): void;
  /** The publisher that was let through has gone. */
  gone?(remote: string): void;
}

export interface GateOptions {
  host: string;
  port: number;
  app: string;
  key: string;
  /** Where ffmpeg listens (asked when a publisher arrives: it changes with each listening process). */
  upstream: () => number | undefined;
  /** rtmps: the server's certificate and key (PEM). */
  tls?: { cert: Buffer; key: Buffer };
}

/** C0 + C1 + C2: the client's side of the RTMP handshake, before any chunk. */
const HANDSHAKE_BYTES = 1 + 1536 + 1536;
/** How long a publisher waits for ffmpeg to listen (between two publishers it starts again). */
const UPSTREAM_WAIT_MS = 5000;

/** A publisher's command, read from its chunk stream. */
export interface RtmpCommand {
  name: string;
  /** connect: the application; publish / FCPublish / releaseStream: the stream name (the key). */
  app?: string;
  stream?: string;
}

/**
 * Reads the client side of an RTMP connection (after the handshake) into whole messages, far enough to find its
 * commands. Feed it bytes; it says, for each complete message, where it ends in what was fed, and the command.
 */
export class RtmpCommandReader {
  private chunkSize = 128;
  private readonly last = new Map<number, { length: number; type: number; extended: boolean }>();
  private readonly partial = new Map<number, Buffer[]>();
  private readonly got = new Map<number, number>();
  private buffer: Buffer = Buffer.alloc(0);
  private handshakeLeft = HANDSHAKE_BYTES;
  /** Bytes taken from the buffer so far (for the caller's offsets). */
  private consumed = 0;

  /** Add bytes; returns the commands completed by them with the offset (in all bytes fed) just past each. */
  push(data: Buffer): { end: number; command?: RtmpCommand }[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, data]) : data;
    const out: { end: number; command?: RtmpCommand }[] = [];
    if (this.handshakeLeft > 0) {
      // The handshake passes as it comes (the server answers C0+C1 before the client sends C2).
      const n = Math.min(this.handshakeLeft, this.buffer.length);
      this.take(n);
      this.handshakeLeft -= n;
      out.push({ end: this.consumed });
      if (this.handshakeLeft > 0) return out;
    }
    for (;;) {
      const done = this.chunk();
      if (done === undefined) return out;
      if (done) out.push({ end: this.consumed, command: done.command });
    }
  }

  private take(n: number): Buffer {
    const b = this.buffer.subarray(0, n);
    this.buffer = this.buffer.subarray(n);
    this.consumed += n;
    return b;
  }

  /** One chunk: undefined when not all of it is here yet; null when read but its message is not complete. */
  private chunk(): { command?: RtmpCommand } | null | undefined {
    const b = this.buffer;
    if (b.length < 1) return undefined;
    const fmt = b[0]! >> 6;
    let csid = b[0]! & 0x3f;
    let at = 1;
    if (csid === 0) {
      if (b.length < 2) return undefined;
      csid = b[1]! + 64;
      at = 2;
    } else if (csid === 1) {
      if (b.length < 3) return undefined;
      csid = b[1]! + b[2]! * 256 + 64;
      at = 3;
    }
    const prev = this.last.get(csid);
    const headerSize = [11, 7, 3, 0][fmt]!;
    if (b.length < at + headerSize) return undefined;
    let length = prev?.length ?? 0;
    let type = prev?.type ?? 0;
    let extended = prev?.extended ?? false;
    if (fmt <= 2) extended = b.readUIntBE(at, 3) === 0xffffff;
    if (fmt <= 1) {
      length = b.readUIntBE(at + 3, 3);
      type = b[at + 6]!;
    }
    at += headerSize;
    if (extended) at += 4;
    const have = this.got.get(csid) ?? 0;
    const size = Math.min(this.chunkSize, length - have);
    if (b.length < at + size) return undefined;
    this.last.set(csid, { length, type, extended });
    this.take(at);
    const payload = this.take(size);
    // A new message on this chunk stream (fmt 3 continues the one in progress, or repeats the last header).
    const parts = have === 0 ? [] : this.partial.get(csid)!;
    parts.push(Buffer.from(payload));
    if (have + size < length) {
      this.partial.set(csid, parts);
      this.got.set(csid, have + size);
      return null;
    }
    this.partial.delete(csid);
    this.got.delete(csid);
    const message = Buffer.concat(parts);
    if (type === 1 && message.length >= 4) this.chunkSize = message.readUInt32BE(0) & 0x7fffffff;
    if (type === 20) return { command: readCommand(message) };
    if (type === 17) return { command: readCommand(message.subarray(1)) };
    return {};
  }
}

/** The command in an AMF0 command message: its name, and the application or stream name it names. */
export function readCommand(message: Buffer): RtmpCommand | undefined {
  try {
    const r = new Amf0Reader(message);
    const name = r.value();
    if (typeof name !== 'string') return undefined;
    r.value(); // transaction id
    if (name === 'connect') {
      const o = r.value() as Record<string, unknown> | null;
      return { name, app: typeof o?.app === 'string' ? o.app : undefined };
    }
    if (name === 'publish' || name === 'FCPublish' || name === 'releaseStream') {
      r.value(); // null
      const stream = r.value();
      return { name, stream: typeof stream === 'string' ? stream : undefined };
    }
    return { name };
  } catch {
    return undefined;
  }
}

/** Enough of AMF0 to read commands: numbers, booleans, strings, objects, null, arrays, dates. */
class Amf0Reader {
  private at = 0;
  constructor(private readonly b: Buffer) {}

  value(): unknown {
    const marker = this.b[this.at++];
    switch (marker) {
      case 0: {
        const v = this.b.readDoubleBE(this.at);
        this.at += 8;
        return v;
      }
      case 1:
        return this.b[this.at++] !== 0;
      case 2:
        return this.string(this.u16());
      case 12:
        return this.string(this.u32());
      case 3:
        return this.properties();
      case 8:
        this.at += 4; // an ECMA array's count, then properties as an object's
        return this.properties();
      case 10: {
        const n = this.u32();
        return Array.from({ length: n }, () => this.value());
      }
      case 11: {
        const v = this.b.readDoubleBE(this.at);
        this.at += 10;
        return new Date(v);
      }
      case 5:
      case 6:
        return null;
      default:
        throw new Error(`AMF0 marker ${marker} not read here`);
    }
  }

  private u16(): number {
    const v = this.b.readUInt16BE(this.at);
    this.at += 2;
    return v;
  }

  private u32(): number {
    const v = this.b.readUInt32BE(this.at);
    this.at += 4;
    return v;
  }

  private string(n: number): string {
    const s = this.b.toString('utf8', this.at, this.at + n);
    this.at += n;
    return s;
  }

  private properties(): Record<string, unknown> {
    const o: Record<string, unknown> = {};
    for (;;) {
      const key = this.string(this.u16());
      if (key === '' && this.b[this.at] === 9) {
        this.at++;
        return o;
      }
      o[key] = this.value();
    }
  }
}

/** The stream key without a query string a client may add (`key?token=…` is still the key `key`). */
const bareKey = (s: string) => s.split('?')[0]!;

/** Why a command keeps its publisher out, if it does. */
export function refusal(cmd: RtmpCommand, app: string, key: string): string | undefined {
  if (cmd.name === 'connect' && cmd.app !== undefined && cmd.app.replace(/\/+$/, '') !== app)
    return `it asked for application "${cmd.app}"; this ingest is "${app}"`;
  if ((cmd.name === 'publish' || cmd.name === 'FCPublish' || cmd.name === 'releaseStream') && cmd.stream !== undefined)
    if (bareKey(cmd.stream) !== key) return 'wrong stream key';
  return undefined;
}

export class RtmpGate {
  private server: Server | undefined;
  private live: Socket | undefined;
  /** Bytes passed from the publisher in, for its bitrate. */
  bytesIn = 0;

  constructor(
    private readonly opts: GateOptions,
    private readonly events: GateEvents = {},
  ) {}

  /** Listen on the node's address; a port in use is said in words. */
  listen(): Promise<void> {
    const onConnection = (s: Socket) => this.admit(s);
    const server = this.opts.tls
      ? createTlsServer({ cert: this.opts.tls.cert, key: this.opts.tls.key }, onConnection)
      : createTcpServer(onConnection);
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        const where = `${this.opts.host}:${this.opts.port}`;
        reject(
          new Error(
            err.code === 'EADDRINUSE'
              ? `cannot listen on ${where}: the port is in use (another RTMP server, or another ingest node?); pick another port`
              : `cannot listen on ${where}: ${err.message}`,
          ),
        );
      });
      server.listen(this.opts.port, this.opts.host, () => resolve());
    });
  }

  close(): void {
    this.live?.destroy();
    this.server?.close();
  }

  private admit(client: Socket): void {
    const remote = `${client.remoteAddress}:${client.remotePort}`;
    if (this.live) {
      this.events.refused?.(remote, 'another publisher is live on this ingest');
      client.destroy();
      return;
    }
    this.live = client;
    const reader = new RtmpCommandReader();
    /** Bytes of the publisher not yet sent on: the message being read is held back until it is whole and checked. */
    let held: Buffer = Buffer.alloc(0);
    let forwarded = 0;
    let through = false;
    let upstream: Socket | undefined;
    const pending: Buffer[] = [];
    const send = (b: Buffer) => (upstream ? upstream.write(b) : pending.push(b));
    const finish = () => {
      client.destroy();
      upstream?.destroy();
      if (this.live === client) {
        this.live = undefined;
        if (through) this.events.gone?.(remote);
      }
    };
    client.on('error', finish);
    client.on('close', finish);
    client.on('data', (data: Buffer) => {
      this.bytesIn += data.length;
      if (through) return void send(data);
      held = held.length ? Buffer.concat([held, data]) : data;
      for (const { end, command } of reader.push(data)) {
        const why = command && refusal(command, this.opts.app, this.opts.key);
        if (why) {
          this.events.refused?.(remote, why);
          return finish();
        }
        // Everything up to the end of this message may go on.
        send(held.subarray(0, end - forwarded));
        held = held.subarray(end - forwarded);
        forwarded = end;
        if (command?.name === 'publish') {
          // Published under the right key: from here on the bytes pass as they come.
          through = true;
          this.events.publisher?.(remote);
          if (held.length) send(held);
          held = Buffer.alloc(0);
          return;
        }
      }
    });
    // Through to ffmpeg; it may be starting to listen again right now: tried for a few seconds.
    const started = Date.now();
    const attempt = () => {
      const port = this.opts.upstream();
      if (port === undefined) return retry();
      const up = tcpConnect(port, '127.0.0.1');
      up.once('connect', () => {
        upstream = up;
        for (const b of pending.splice(0)) up.write(b);
        up.on('data', (d: Buffer) => client.write(d));
        up.on('close', finish);
        up.on('error', finish);
      });
      up.once('error', () => {
        if (!upstream) retry();
      });
    };
    const retry = () => {
      if (client.destroyed) return;
      if (Date.now() - started > UPSTREAM_WAIT_MS) {
        this.events.refused?.(remote, 'the ingest is not ready to take a stream (its ffmpeg is not listening)');
        return finish();
      }
      setTimeout(attempt, 100);
    };
    attempt();
  }
}
