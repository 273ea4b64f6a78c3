/**
 * A live ingest: a publisher (OBS, an encoder box) pushes a stream over RTMP, RTMPS or SRT, and the group's ffmpeg
 * listens for it. Between publishers the group waits (and says so); a publisher that leaves and comes back does not
 * end the run — the time between is a gap, counted. RTMP and RTMPS publishers come in through the gate (see
 * rtmp-gate.ts), which checks the application and stream key and measures the publisher's bitrate; an SRT listener
 * is ffmpeg's own, its passphrase checked by libsrt.
 */
import { readFileSync } from 'node:fs';
import type { LiveInput, MediaInput } from './inputs';
import { RtmpGate } from './rtmp-gate';
import { freePort } from '../support/net';
import { secretStore } from '../secrets/store';
import { INGEST_PORTS, ingestAddress, type IngestProtocol } from '../../shared/ingest';

export { INGEST_PORTS };

export interface IngestConfig {
  protocol: IngestProtocol;
  host: string;
  port?: number;
  app: string;
  streamKey?: string;
  latencyMs: number;
  /** The name an SRT passphrase is kept under (secret store `srt:<name>`, or SLUICE_SECRET_SRT_<NAME>). */
  passphraseName?: string;
  certFile?: string;
  keyFile?: string;
  rate: number;
  audio: boolean;
}

/** What stands in the shown command for an SRT passphrase, put in only when ffmpeg is started. */
export const PASSPHRASE_MARK = '********';

/** The address publishers are given: rtmp://host:port/app/key, srt://host:port. */
export const ingestUrl = (cfg: IngestConfig): string => ingestAddress(cfg).url;

/**
 * The ingest as an ffmpeg input, as a person would run it by hand: `-listen 1 -i rtmp://…` or
 * `-i srt://…?mode=listener`. (Run by Sluice, an RTMP input listens on a loopback port behind the gate instead.)
 */
export function ingestInput(cfg: IngestConfig): MediaInput {
  const port = cfg.port ?? INGEST_PORTS[cfg.protocol];
  // A second of probing finds a publisher's streams (ffmpeg's default, 5 s, waits that long for a sound track a
  // publisher without one never sends: a late start, and the publisher's details shown late).
  const args: string[] = ['-analyzeduration', '1000000'];
  let url: string;
  if (cfg.protocol === 'srt') {
    const q = [`mode=listener`, `latency=${cfg.latencyMs * 1000}`];
    if (cfg.passphraseName) q.push(`passphrase=${PASSPHRASE_MARK}`);
    url = `${ingestUrl(cfg)}?${q.join('&')}`;
    args.push('-f', 'mpegts');
  } else {
    url = ingestUrl(cfg);
    args.push('-listen', '1', '-f', 'flv');
  }
  args.push('-i', url);
  return {
    args,
    inputs: 1,
    video: '0:v:0',
    audio: cfg.audio ? '0:a:0?' : undefined,
    rate: cfg.rate,
    limits: [],
    live: {
      protocol: cfg.protocol,
      url: ingestUrl(cfg),
      host: cfg.host,
      port,
      app: cfg.app,
      key: cfg.streamKey ?? '',
      inputAt: args.length - 1,
      passphraseName: cfg.passphraseName,
      tls: cfg.certFile && cfg.keyFile ? { certFile: cfg.certFile, keyFile: cfg.keyFile } : undefined,
    },
  };
}

/** What the publisher sends, as ffmpeg read it. */
export interface PublisherInfo {
  codec: string;
  width: number;
  height: number;
  fps?: number;
  audio?: string;
}

/** The publisher's streams from ffmpeg's input report ("Stream #0:0: Video: h264 (High), yuv420p, 1280x720, …"). */
export class PublisherInfoReader {
  info: PublisherInfo | undefined;
  private inInput = false;

  line(text: string): void {
    if (/Input #0,/.test(text)) {
      this.inInput = true;
      this.info = undefined;
      return;
    }
    if (/Output #0,|Stream mapping:/.test(text)) this.inInput = false;
    if (!this.inInput) return;
    const video = /Stream #0:\d+.*?: Video: (\w+)[^,]*,.*?(\d{2,5})x(\d{2,5})/.exec(text);
    if (video && !this.info) {
      const fps = /([\d.]+) fps/.exec(text);
      this.info = { codec: video[1]!, width: Number(video[2]), height: Number(video[3]) };
      if (fps) this.info.fps = Number(fps[1]);
      return;
    }
    const audio = /Stream #0:\d+.*?: Audio: (\w+)/.exec(text);
    if (audio && this.info) this.info.audio = audio[1]!;
  }
}

/** Where the live source stands, for its node. */
export interface IngestState {
  waiting: boolean;
  publisher?: PublisherInfo;
  /** Publisher → ingest, measured at the gate (RTMP). */
  bitrateKbps?: number;
  gaps: number;
  gapSeconds: number;
  refused: number;
}

/**
 * The run side of a live ingest: the gate (RTMP), the listening port of each ffmpeg process, the publisher and
 * the gaps between publishers.
 */
export class LiveIngest {
  private gate: RtmpGate | undefined;
  private upstream: number | undefined;
  private readonly reader = new PublisherInfoReader();
  private leftAt: number | undefined;
  private rate = { at: 0, bytes: 0, kbps: undefined as number | undefined };
  /** An SRT publisher's bytes, as ffmpeg copies what it receives to a pipe (it has no door to count them at). */
  private copied = 0;

  /**
   * SRT: an extra output of the process, the publisher's streams copied as they come (MPEG-TS) to a pipe on `fd`,
   * counted for its bitrate. (RTMP's are counted at the door.)
   */
  countingOutput(fd: number): string[] | undefined {
    if (this.live.protocol !== 'srt') return undefined;
    return ['-map', '0:v?', '-map', '0:a?', '-c', 'copy', '-f', 'mpegts', `pipe:${fd}`];
  }

  /** Bytes of the publisher's streams, from the counting output. */
  counted(n: number): void {
    this.copied += n;
  }

  /** A publisher was let through (or refused) since the process started: its end is not a failure. */
  attended = false;
  readonly state: IngestState = { waiting: true, gaps: 0, gapSeconds: 0, refused: 0 };

  constructor(
    readonly live: LiveInput,
    private readonly say: { error(message: string): void; publisher(): void },
    private readonly secret: (name: string) => string | undefined,
  ) {}

  /** Open the door (RTMP): a port in use fails here, in words. */
  async open(): Promise<void> {
    if (this.live.protocol === 'srt') return;
    const tls = this.live.tls && {
      cert: readFileSync(this.live.tls.certFile),
      key: readFileSync(this.live.tls.keyFile),
    };
    this.gate = new RtmpGate(
      {
        host: this.live.host,
        port: this.live.port,
        app: this.live.app,
        key: this.live.key,
        upstream: () => this.upstream,
        tls,
      },
      {
        publisher: () => {
          this.attended = true;
          this.arrived();
        },
        refused: (remote, why) => {
          this.attended = true;
          this.state.refused++;
          this.say.error(`publisher ${remote} refused: ${why}`);
        },
        gone: () => this.left(),
      },
    );
    await this.gate.listen();
  }

  close(): void {
    this.gate?.close();
  }

  /** The process's args with its listening address: behind the gate for RTMP, the passphrase put in for SRT. */
  async prepare(args: string[], at: number): Promise<string[]> {
    const out = [...args];
    if (this.live.protocol === 'srt') {
      if (this.live.passphraseName) {
        const pass = this.secret(this.live.passphraseName);
        if (!pass) throw new Error(noPassphrase(this.live.passphraseName));
        out[at] = out[at]!.replace(`passphrase=${PASSPHRASE_MARK}`, `passphrase=${encodeURIComponent(pass)}`);
      }
    } else {
      this.upstream = await freePort();
      out[at] = `rtmp://127.0.0.1:${this.upstream}/${this.live.app}/${this.live.key}`;
    }
    this.attended = false;
    this.state.waiting = true;
    this.state.publisher = undefined;
    return out;
  }

  /** A line of ffmpeg's log (info level): the publisher's streams, an SRT publisher refused by its passphrase. */
  line(text: string): void {
    this.reader.line(text);
    if (this.reader.info && this.state.publisher !== this.reader.info) {
      this.state.publisher = this.reader.info;
      if (this.live.protocol === 'srt') this.arrived();
    }
    if (/Incorrect passphrase|BADSECRET/.test(text) && !/KMREQ result|processAsync/.test(text)) {
      this.state.refused++;
      this.say.error('an SRT publisher was refused: incorrect passphrase');
    }
  }

  /** The process ended: a publisher that was live has gone. */
  ended(): void {
    if (!this.state.waiting) this.left();
  }

  /** The publisher's bitrate at the gate, over the last second or more. */
  sample(now = Date.now()): void {
    const bytes = this.gate?.bytesIn ?? this.copied;
    if (this.rate.at && now - this.rate.at >= 1000) {
      this.rate.kbps = ((bytes - this.rate.bytes) * 8) / (now - this.rate.at);
      this.rate = { at: now, bytes, kbps: this.rate.kbps };
    } else if (!this.rate.at) this.rate = { at: now, bytes, kbps: undefined };
    this.state.bitrateKbps = this.state.waiting ? undefined : this.rate.kbps;
  }

  private arrived(): void {
    if (!this.state.waiting) return;
    this.state.waiting = false;
    if (this.leftAt !== undefined) {
      this.state.gaps++;
      this.state.gapSeconds += (Date.now() - this.leftAt) / 1000;
      this.leftAt = undefined;
    }
    this.say.publisher();
  }

  private left(): void {
    if (this.state.waiting) return;
    this.state.waiting = true;
    this.state.publisher = undefined;
    this.leftAt = Date.now();
  }
}

/**
 * Why a publisher's stream could not be used, from ffmpeg's last lines, in the node's words: no video, or a codec
 * this ffmpeg cannot decode. Undefined when ffmpeg said nothing of the kind (the publisher just left).
 */
export function publisherProblem(lines: readonly string[]): string | undefined {
  const text = lines.join('\n');
  if (
    /Stream map '[^']*v[^']*' matches no streams|Stream specifier '[^']*v[^']*' in filtergraph .* matches no streams/.test(
      text,
    )
  )
    return 'the publisher sent no video (sound only?): an ingest needs a video stream';
  const codec = /Decoder \(codec ([\w-]+)\) not found|Unsupported codec[^\n]*?(?:id|codec)[ =]*([\w-]+)/i.exec(text);
  if (codec) return `the publisher's video codec (${codec[1] ?? codec[2]}) cannot be decoded by this ffmpeg`;
  if (/Invalid data found when processing input|could not find codec parameters/i.test(text))
    return `the publisher's stream could not be read: ${lines.at(-1)}`;
  return undefined;
}

/** An SRT passphrase kept under `name`: in the secret store ("srt:<name>"), else the CLI's environment. */
export const srtPassphrase = (name: string): string | undefined =>
  secretStore()?.get(`srt:${name}`) ?? process.env[srtSecretVariable(name)];

export const noPassphrase = (name: string): string =>
  `no SRT passphrase is kept under "${name}": set ${srtSecretVariable(name)} (CLI) or keep it in the secret store`;

/** The environment variable of an SRT passphrase: SLUICE_SECRET_SRT_ and the name upper-cased. */
export const srtSecretVariable = (name: string): string =>
  `SLUICE_SECRET_SRT_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
