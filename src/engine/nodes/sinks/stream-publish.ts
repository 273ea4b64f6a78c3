/**
 * `stream-publish`: pushes the encoded stream to a receiver — a CDN's or media server's RTMP(S) ingest, or an SRT
 * listener — reconnecting with backoff when the receiver goes away, and saying why in the receiver's words. The
 * stream key and the SRT passphrase are secrets: named here, kept in the secret store or the environment. See
 * media/publish.ts.
 */
import { z } from 'zod';
import { defineNode } from '../../contract/spec';
import { StreamPusher } from '../../media/publish';
import { secretStore } from '../../secrets/store';
import { srtPassphrase, srtSecretVariable } from '../../media/ingest';
import { mediaMember } from '../media/common';
import { nameField, srtLatencyField } from '../media/fields';
import type { MediaNodeContext } from '../../contract/media';

const config = z.strictObject({
  url: z
    .string()
    .regex(/^(rtmps?|srt):\/\/[^\s/?#]+/i, 'rtmp://host[:port]/app, rtmps://… or srt://host:port')
    .describe(
      'The receiver: rtmp://host[:port]/app (the stream key apart, below), rtmps://… for TLS, or srt://host:port (an SRT listener).',
    ),
  streamKey: nameField()
    .optional()
    .describe('RTMP: a stream key that is not secret (a local server’s); a CDN’s key goes in streamKeyName.'),
  streamKeyName: nameField()
    .optional()
    .describe(
      'RTMP: the name a secret stream key is kept under (never the key): the secret store’s "publish:<name>", or SLUICE_SECRET_PUBLISH_<NAME> for the CLI.',
    ),
  passphraseName: nameField()
    .optional()
    .describe('SRT: the name the passphrase is kept under ("srt:<name>", or SLUICE_SECRET_SRT_<NAME>).'),
  latencyMs: srtLatencyField(),
  reconnectBackoffMs: z
    .number()
    .int()
    .min(100)
    .max(30_000)
    .default(1000)
    .describe('The first wait before trying the receiver again; doubled after each failure, up to 30 s.')
    .meta({ unit: 'ms' }),
});

type PublishConfig = z.output<typeof config>;

/** The environment variable of a secret stream key: SLUICE_SECRET_PUBLISH_ and the name upper-cased. */
export const publishSecretVariable = (name: string): string =>
  `SLUICE_SECRET_PUBLISH_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;

const secret = (store: string, variable: string): string | undefined =>
  secretStore()?.get(store) ?? process.env[variable];

/** Where to push, with its secrets (to open) and without (to show). */
function target(cfg: PublishConfig): { url: string; shown: string; format: 'flv' | 'mpegts' } {
  const base = cfg.url.replace(/\/+$/, '');
  if (/^srt:/i.test(base)) {
    const q = [`mode=caller`, `latency=${cfg.latencyMs * 1000}`];
    let url = `${base}${base.includes('?') ? '&' : '?'}${q.join('&')}`;
    const shown = url;
    if (cfg.passphraseName) {
      const pass = srtPassphrase(cfg.passphraseName);
      if (!pass)
        throw new Error(
          `no SRT passphrase is kept under "${cfg.passphraseName}": set ${srtSecretVariable(cfg.passphraseName)} or keep it in the secret store`,
        );
      url += `&passphrase=${encodeURIComponent(pass)}`;
    }
    return { url, shown, format: 'mpegts' };
  }
  if (cfg.streamKeyName) {
    const key = secret(`publish:${cfg.streamKeyName}`, publishSecretVariable(cfg.streamKeyName));
    if (!key)
      throw new Error(
        `no stream key is kept under "${cfg.streamKeyName}": set ${publishSecretVariable(cfg.streamKeyName)} or keep it in the secret store`,
      );
    return { url: `${base}/${key}`, shown: `${base}/…`, format: 'flv' };
  }
  const url = cfg.streamKey ? `${base}/${cfg.streamKey}` : base;
  return { url, shown: url, format: 'flv' };
}

export default defineNode({
  type: 'stream-publish',
  category: 'sinks',
  title: 'Stream publish (RTMP/SRT)',
  description:
    'Pushes encoded video (and sound) to a CDN, a media server or an SRT listener; reconnects with backoff when the receiver goes away.',
  inputs: [{ name: 'in', type: 'video/encoded', description: 'Encoded video (H.264 for RTMP), with its sound.' }],
  outputs: [],
  config,
  media: 'sink',
  mediaPipe: 'lossy',
  mediaHooks: { output: (_cfg, place) => ({ format: 'mpegts', options: [], target: `pipe:${place.fd}` }) },
  lint(cfg, report) {
    const srt = /^srt:/i.test(cfg.url);
    if (srt && (cfg.streamKey || cfg.streamKeyName))
      report(cfg.streamKey ? 'streamKey' : 'streamKeyName', 'SRT has no stream key: use passphraseName');
    if (!srt && cfg.passphraseName) report('passphraseName', 'a passphrase is for SRT; RTMP uses a stream key');
    if (cfg.streamKey && cfg.streamKeyName)
      report('streamKeyName', 'give the stream key or the name of a secret one, not both');
  },
  create(cfg, ctx: MediaNodeContext) {
    const group = ctx.media;
    let pusher: StreamPusher | undefined;
    let connected = false;
    const member = mediaMember(ctx);
    return {
      ...member,
      open() {
        if (!group) throw new Error('stream-publish must be fed by an encoder');
        target(cfg); // a missing secret is said before anything starts
      },
      async run() {
        const t = target(cfg);
        pusher = new StreamPusher(
          t,
          {
            connected: () => {
              connected = true;
              ctx.status('running');
            },
            lost: (why, retryMs) => {
              connected = false;
              ctx.status('reconnecting');
              void ctx.error(`${t.shown}: ${why} — trying again in ${(retryMs / 1000).toFixed(1)} s`);
            },
          },
          cfg.reconnectBackoffMs,
        );
        await pusher.run(group!.packagerStream(ctx.nodeId), ctx.signal);
      },
      metrics: () => {
        const media = group?.metrics();
        return {
          media: media && {
            ...media,
            publish: { connected, sentBytes: pusher?.sent ?? 0, droppedBytes: pusher?.dropped ?? 0 },
          },
        };
      },
    };
  },
});
