/**
 * `serialize`: turns records into bytes — JSON lines or CSV — for sinks that store or ship bytes (files, archives,
 * and later HDFS and media packagers' neighbours).
 */
import { z } from 'zod';
import { bytesItem, defineNode } from '../../contract/spec';
import { recordIn } from './common';

export const SERIALIZE = 'serialize';

const config = z
  .strictObject({
    format: z
      .enum(['json-lines', 'csv'])
      .default('json-lines')
      .describe('JSON lines (one object per line) or CSV (RFC 4180 quoting).'),
    fields: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe('CSV columns, in order; default: the fields of the first record. Missing fields are left empty.'),
    header: z.boolean().default(true).describe('CSV: write the column names as the first line.'),
  })
  .describe('How records become bytes.');

/** A CSV cell: objects as JSON; quoted when it holds a comma, quote or line break. */
function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export default defineNode({
  type: SERIALIZE,
  category: 'operators',
  title: 'Serialize',
  description: 'Turns records into bytes: JSON lines or CSV, one chunk per batch, for sinks that write bytes.',
  inputs: recordIn,
  outputs: [{ name: 'out', type: 'bytes', description: 'UTF-8 text, one chunk per batch of records.' }],
  config,
  create(cfg, ctx) {
    let columns = cfg.fields;
    let headerDone = !cfg.header;
    return {
      process(_port, batch) {
        let text = '';
        if (cfg.format === 'json-lines') {
          for (const r of batch) text += JSON.stringify(r) + '\n';
        } else {
          columns ??= Object.keys(batch[0] as object);
          if (!headerDone) {
            text += columns.map(cell).join(',') + '\n';
            headerDone = true;
          }
          for (const r of batch) text += columns.map((c) => cell((r as Record<string, unknown>)[c])).join(',') + '\n';
        }
        return ctx.emit('out', [bytesItem(Buffer.from(text, 'utf8'))]);
      },
    };
  },
});
