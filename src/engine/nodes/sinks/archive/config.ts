/**
 * The archive's config, and the folder a record goes to: the path template filled from its event time.
 */
import { z } from 'zod';

export const PLACEHOLDERS: Record<string, number> = {
  yyyy: 86_400_000,
  MM: 86_400_000,
  dd: 86_400_000,
  HH: 3_600_000,
  mm: 60_000,
};

export const archiveConfig = z.strictObject({
  target: z
    .string()
    .min(1)
    .describe(
      'Where the files go: webhdfs://namenode:9870/path (swebhdfs:// for HTTPS; WebHDFS’s own http://namenode:9870/webhdfs/v1/path works too), file:///path, or a folder (relative to the working directory).',
    ),
  path: z
    .string()
    .default('{yyyy}/{MM}/{dd}/{HH}')
    .describe('Folder under the target, from the event time (UTC): {yyyy} {MM} {dd} {HH} {mm}.'),
  prefix: z
    .string()
    .regex(/^[\w-]+$/, 'letters, digits, _ and - only')
    .default('part')
    .describe('File names start with this.'),
  timeField: z
    .string()
    .min(1)
    .default('ts')
    .describe('The field holding each record’s event time (ms since the epoch, or an ISO date).'),
  time: z
    .enum(['event', 'arrival'])
    .default('event')
    .describe('Name folders by the event time, or by when the record arrived (bytes always use arrival).'),
  gzip: z.boolean().default(false).describe('Compress JSON-lines files (.jsonl.gz).'),
  rollBytes: z
    .number()
    .int()
    .min(1)
    .default(128 * 1024 * 1024)
    .describe('Roll a file once it holds this many bytes.')
    .meta({ unit: 'bytes' }),
  rollRecords: z.number().int().min(0).default(0).describe('Roll a file after this many records (0: no limit).'),
  rollIntervalMs: z
    .number()
    .int()
    .min(100)
    .default(60_000)
    .describe(
      'Roll a file at the latest this long after it was opened: records are acknowledged when their file rolls.',
    )
    .meta({ unit: 'ms' }),
  flushBytes: z
    .number()
    .int()
    .min(1)
    .default(1024 * 1024)
    .describe('Write to the target in chunks of about this size (one APPEND each on WebHDFS).')
    .meta({ unit: 'bytes' }),
  user: z
    .string()
    .optional()
    .describe('WebHDFS: the user to act as (simple authentication); default $HADOOP_USER_NAME, else the login name.'),
  timeoutMs: z
    .number()
    .int()
    .min(100)
    .default(30_000)
    .describe('WebHDFS: how long to wait for an answer before asking what happened.')
    .meta({ unit: 'ms' }),
});

export type ArchiveConfig = z.output<typeof archiveConfig>;

export const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The folder for a time, from the path template. */
export function folderFor(template: string, ms: number): string {
  const d = new Date(ms);
  const parts: Record<string, string> = {
    yyyy: String(d.getUTCFullYear()),
    MM: pad(d.getUTCMonth() + 1),
    dd: pad(d.getUTCDate()),
    HH: pad(d.getUTCHours()),
    mm: pad(d.getUTCMinutes()),
  };
  return template.replace(/\{(\w+)\}/g, (_, p: string) => parts[p]!);
}

/** A record's event time in ms, or undefined. */
export function eventTime(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    const t = Date.parse(v);
    if (Number.isFinite(t)) return t;
  }
  return undefined;
}
