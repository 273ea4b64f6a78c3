import { readFileSync } from 'node:fs';

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serializeDocument, type PipelineDocument } from '../src/shared/document';
import { loadDocumentText } from '../src/engine/validate/validate';
import { chain, startFlow, tempDir } from './helpers';
import { builtinRegistry } from '../src/engine/nodes/registry';

const tmp = () => tempDir('serialize');

/** `chain` wires `out` → `in`; the last wire here goes to the file sink's `bytes` input. */
function toBytesSink(doc: PipelineDocument): PipelineDocument {
  const last = doc.edges.at(-1)!;
  return { ...doc, edges: [...doc.edges.slice(0, -1), { ...last, to: { ...last.to, port: 'bytes' } }] };
}

describe('serialize → file (bytes)', () => {
  it('writes JSON lines: every record the source made, in order', async () => {
    const path = join(tmp(), 'events.jsonl');
    const run = await startFlow(
      toBytesSink(
        chain('jsonl', [
          { id: 'src', type: 'live-room', config: { limit: 3000, paced: false } },
          { id: 'ser', type: 'serialize' },
          { id: 'out', type: 'file', config: { path } },
        ]),
      ),
    );
    await run.flow.done;
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(3000);
    expect(lines.map((l) => (JSON.parse(l) as { id: number }).id)).toEqual(Array.from({ length: 3000 }, (_, i) => i));
    expect(run.errors).toEqual([]);
  });

  it('writes CSV with a header, the chosen columns, and RFC 4180 quoting', async () => {
    const path = join(tmp(), 'gifts.csv');
    const run = await startFlow(
      toBytesSink(
        chain('csv', [
          { id: 'src', type: 'live-room', config: { limit: 2000, paced: false } },
          { id: 'gifts', type: 'filter', config: { expression: "type = 'gift'" } },
          {
            id: 'note',
            type: 'map',
            config: { expression: '{"room": room, "coins": coins, "note": "a, \\"b\\"\\nc"}' },
          },
          { id: 'ser', type: 'serialize', config: { format: 'csv', fields: ['room', 'coins', 'note', 'absent'] } },
          { id: 'out', type: 'file', config: { path } },
        ]),
      ),
    );
    await run.flow.done;
    const text = readFileSync(path, 'utf8');
    const [header, first] = text.split('\n');
    expect(header).toBe('room,coins,note,absent');
    expect(first).toMatch(/^room-\d+,\d+,"a, ""b""$/);
    const gifts = run.flow.tick().nodes.gifts!.recordsOut;
    expect(gifts).toBeGreaterThan(0);
    // Each record's note spans two lines: header + 2 lines per record.
    expect(text.trimEnd().split('\n')).toHaveLength(1 + 2 * gifts);
  });

  it('bytes cannot feed a record input, and the error says what to add', () => {
    const doc = chain('mismatch', [
      { id: 'src', type: 'live-room' },
      { id: 'ser', type: 'serialize' },
      { id: 'show', type: 'debug' },
    ]);
    const r = loadDocumentText(serializeDocument(doc), builtinRegistry);
    expect(r.issues).toEqual([
      expect.objectContaining({
        code: 'port-type',
        edgeId: 'e2',
        message: 'bytes cannot feed a record input: add a parser that turns bytes into records first',
      }),
    ]);
  });

  it('bad config names the field and what was expected', () => {
    const doc = chain('bad', [
      { id: 'src', type: 'live-room' },
      { id: 'ser', type: 'serialize', config: { format: 'xml', fields: [] } },
    ]);
    const r = loadDocumentText(serializeDocument(doc), builtinRegistry);
    expect(r.issues.map((i) => `${i.pointer} ${i.message}`)).toEqual([
      expect.stringMatching(/^\/nodes\/1\/config\/format .*"json-lines".*"csv"/),
      expect.stringMatching(/^\/nodes\/1\/config\/fields .*1/),
    ]);
  });
});
