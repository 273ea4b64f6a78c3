/**
 * `stream-ingest`: a publisher (OBS, an encoder box) pushes its stream here over RTMP, RTMPS or SRT. The node
 * listens, says it is waiting for a publisher, then shows what the publisher sends; a publisher that leaves and comes
 * back does not end the run (the time between is a counted gap). See media/ingest.ts.
 */
import { accessSync, constants } from 'node:fs';
import { createSocket } from 'node:dgram';
import { resolve } from 'node:path';
import { z } from 'zod';
import { defineNode } from '../../contract/spec';
import { INGEST_PORTS, ingestInput, noPassphrase, srtPassphrase } from '../../media/ingest';
import { mediaSource } from '../media/common';
import { nameField, srtLatencyField } from '../media/fields';
import type { MediaNodeContext } from '../../contract/media';

const config = z.strictObject({
  protocol: z
    .enum(['rtmp', 'rtmps', 'srt'])
    .default('rtmp')
    .describe('rtmp (what OBS and most encoders push), rtmps (RTMP over TLS: needs certFile and keyFile) or srt.'),
  host: z
    .string()
    .min(1)
    .default('127.0.0.1')
    .describe('The address to listen on: 127.0.0.1 takes publishers on this machine only; 0.0.0.0 takes any.'),
  port: z
    .number()
    .int()
    .min(1)
    .max(65535)
    .optional()
    .describe('The port to listen on (by default 1935 for rtmp, 1936 for rtmps, 9000 for srt).'),
  app: nameField()
    .default('live')
    .describe('RTMP: the application in the publisher’s server URL (rtmp://host:port/<app>).'),
  streamKey: nameField().optional().describe('RTMP: the stream key the publisher must give; any other is refused.'),
  latencyMs: srtLatencyField(),
  passphraseName: nameField()
    .optional()
    .describe(
      'SRT: the name the passphrase is kept under (never the passphrase): the secret store’s "srt:<name>", or SLUICE_SECRET_SRT_<NAME> for the CLI. Publishers without it are refused.',
    ),
  certFile: z.string().min(1).optional().describe('RTMPS: the server’s certificate (PEM).'),
  keyFile: z.string().min(1).optional().describe('RTMPS: the certificate’s private key file (PEM).'),
  rate: z
    .number()
    .int()
    .min(1)
    .max(240)
    .default(30)
    .describe('The frame rate the publisher is expected to send, for the default keyframe interval.')
    .meta({ unit: 'fps' }),
  audio: z.boolean().default(true).describe('Take the publisher’s sound when it sends some.'),
});

type IngestNodeConfig = z.output<typeof config>;

/** The ingest's own config with its files taken from the working directory. */
const resolved = (cfg: IngestNodeConfig) => ({
  ...cfg,
  certFile: cfg.certFile && resolve(cfg.certFile),
  keyFile: cfg.keyFile && resolve(cfg.keyFile),
});

/** Whether a UDP port can be bound (SRT listens on UDP): said in words when it cannot. */
function checkUdpPort(host: string, port: number): Promise<void> {
  return new Promise((done, fail) => {
    const s = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    s.once('error', (err: NodeJS.ErrnoException) => {
      s.close();
      fail(
        new Error(
          err.code === 'EADDRINUSE'
            ? `cannot listen on ${host}:${port} (UDP): the port is in use (another SRT listener?); pick another port`
            : `cannot listen on ${host}:${port} (UDP): ${err.message}`,
        ),
      );
    });
    s.bind(port, host, () => s.close(() => done()));
  });
}

export default defineNode({
  type: 'stream-ingest',
  category: 'sources',
  title: 'Stream ingest (RTMP/SRT)',
  description:
    'Takes a live stream pushed by OBS or an encoder over RTMP, RTMPS or SRT; waits for its publisher, and for it again when it goes.',
  inputs: [],
  outputs: [
    {
      name: 'video',
      type: 'video/raw',
      description: 'The publisher’s frames, decoded (they stay inside the ffmpeg process of the group).',
    },
  ],
  config,
  media: 'source',
  mediaHooks: { input: (cfg) => ingestInput(resolved(cfg)) },
  lint(cfg, report) {
    if (cfg.protocol !== 'srt' && !cfg.streamKey)
      report('streamKey', `${cfg.protocol} needs a stream key: publishers give it after the application`);
    if (cfg.protocol === 'rtmps' && (!cfg.certFile || !cfg.keyFile))
      report(cfg.certFile ? 'keyFile' : 'certFile', 'rtmps needs the server’s certificate and its key (PEM files)');
    if (cfg.protocol === 'srt' && cfg.streamKey)
      report('streamKey', 'SRT has no stream key here: keep publishers out with a passphrase (passphraseName)');
  },
  create(cfg, ctx: MediaNodeContext) {
    return {
      ...mediaSource(ctx, 'a stream ingest'),
      async open() {
        const port = cfg.port ?? INGEST_PORTS[cfg.protocol];
        if (cfg.protocol === 'rtmps')
          for (const f of [cfg.certFile!, cfg.keyFile!].map((x) => resolve(x)))
            try {
              accessSync(f, constants.R_OK);
            } catch {
              throw new Error(`cannot read ${f}: rtmps needs a readable certificate and key`);
            }
        if (cfg.protocol === 'srt') {
          await checkUdpPort(cfg.host, port);
          const name = cfg.passphraseName;
          if (name && !srtPassphrase(name)) throw new Error(noPassphrase(name));
        }
      },
    };
  },
});
