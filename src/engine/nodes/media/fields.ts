/** Config fields the live-video nodes (stream ingest and publish) share. */
import { z } from 'zod';

/** A name: of a stream key, an application, or a secret kept elsewhere (never the secret itself). */
export const nameField = () => z.string().regex(/^[\w.-]+$/, 'letters, digits, . _ -');

/** SRT's receive latency: how long the receiver waits for lost packets to be sent again. */
export const srtLatencyField = () =>
  z
    .number()
    .int()
    .min(20)
    .max(8000)
    .default(120)
    .describe('SRT: how long the receiver waits for lost packets to be sent again.')
    .meta({ unit: 'ms' });
