/**
 * `file` sink: writes records as JSON lines, or bytes as they come; everything accepted is flushed on stop.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { once } from 'node:events';
import { z } from 'zod';
import { bytesOf, defineNode } from '../../contract/spec';

export const FILE = 'file';

const config = z.strictObject({
  path: z.string().min(1).describe('The file to write; relative paths are taken from the working directory.'),
  append: z.boolean().default(false).describe('Append to an existing file instead of replacing it.'),
});

export default defineNode({
  type: FILE,
  category: 'sinks',
  title: 'File',
  description:
    'Writes records as JSON lines, and bytes (e.g. from Serialize) as they come; flushed when the pipeline stops.',
  inputs: [
    { name: 'in', type: 'record', description: 'Records to write, one line of JSON each.' },
    { name: 'bytes', type: 'bytes', description: 'Bytes to write as they are.' },
  ],
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
      async process(port, batch) {
        let text: string | Buffer = '';
        if (port === 'bytes') text = Buffer.concat(bytesOf(batch));
        else for (const r of batch) text += JSON.stringify(r) + '\n';
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
