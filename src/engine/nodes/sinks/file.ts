/**
 * `file` sink: writes records as JSON lines; everything accepted is flushed on stop.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { once } from 'node:events';
import { z } from 'zod';
import { defineNode } from '../../spec';

export const FILE = 'file';

const config = z.strictObject({
  path: z.string().min(1).describe('The file to write (JSON lines); relative paths are taken from the working directory.'),
  append: z.boolean().default(false).describe('Append to an existing file instead of replacing it.'),
});

export default defineNode({
  type: FILE,
  category: 'sinks',
  title: 'File (JSON lines)',
  description: 'Writes each record as one line of JSON; flushed when the pipeline stops.',
  inputs: [{ name: 'in', type: 'record', description: 'Records to write.' }],
  outputs: [],
  config,
  create(cfg, ctx) {
    let out: WriteStream | undefined;
    return {
      async open() {
        const path = resolve(cfg.path);
        mkdirSync(dirname(path), { recursive: true });
        out = createWriteStream(path, { flags: cfg.append ? 'a' : 'w' });
        await once(out, 'open');
      },
      async process(_port, batch) {
        let text = '';
        for (const r of batch) text += JSON.stringify(r) + '\n';
        // Acknowledged once the write has reached the file, not when it is buffered.
        const written = ctx.hold();
        if (!out!.write(text, (err) => err || written.release())) await once(out!, 'drain');
      },
      async close() {
        if (!out) return;
        const s = out;
        out = undefined;
        await new Promise<void>((res, rej) => s.end((err?: Error | null) => (err ? rej(err) : res())));
      },
    };
  },
});
