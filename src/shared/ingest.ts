/**
 * Where a publisher (OBS, an encoder) sends a live stream to a `stream-ingest` node: the same words in the engine,
 * the CLI and the studio's inspector. OBS asks for a server and a stream key apart; SRT callers for one URL.
 */

export type IngestProtocol = 'rtmp' | 'rtmps' | 'srt';

/** The default port of each protocol. */
export const INGEST_PORTS: Record<IngestProtocol, number> = { rtmp: 1935, rtmps: 1936, srt: 9000 };

export interface IngestAddressConfig {
  protocol?: IngestProtocol;
  host?: string;
  port?: number;
  app?: string;
  streamKey?: string;
}

export interface IngestAddress {
  /** OBS's "Server": rtmp://host:port/app, or srt://host:port. */
  server: string;
  /** OBS's "Stream key" (RTMP). */
  key?: string;
  /** The whole address: server/key for RTMP. */
  url: string;
}

/** A node's address, its defaults filled in. */
export function ingestAddress(cfg: IngestAddressConfig): IngestAddress {
  const protocol = cfg.protocol ?? 'rtmp';
  const port = cfg.port ?? INGEST_PORTS[protocol];
  const raw = cfg.host ?? '127.0.0.1';
  const host = raw.includes(':') ? `[${raw}]` : raw;
  if (protocol === 'srt') return { server: `srt://${host}:${port}`, url: `srt://${host}:${port}` };
  const server = `${protocol}://${host}:${port}/${cfg.app ?? 'live'}`;
  return { server, key: cfg.streamKey, url: `${server}/${cfg.streamKey ?? ''}` };
}
