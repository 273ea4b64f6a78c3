import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serializeDocument, type PipelineDocument } from '../src/shared/document';
import { pipelineJsonSchema } from '../src/engine/document/schema';
import { loadDocumentText } from '../src/engine/validate/validate';
import { ROOT } from './helpers';
import { builtinRegistry } from '../src/engine/nodes/registry';

describe('the pipeline file is readable and diffable', () => {
  it('writes keys in a stable order with 2-space indent, whatever order they came in', () => {
    const a = {
      edges: [{ to: { port: 'in', node: 'b' }, id: 'e', from: { port: 'out', node: 'a' } }],
      nodes: [{ config: { z: 1, a: { y: 2, b: 1 } }, position: { y: 2, x: 1 }, type: 'map', id: 'a' }],
      name: 'n',
      version: 1,
    } as unknown as PipelineDocument;
    const text = serializeDocument(a);
    expect(text).toBe(
      [
        '{',
        '  "version": 1,',
        '  "name": "n",',
        '  "nodes": [',
        '    {',
        '      "id": "a",',
        '      "type": "map",',
        '      "position": {',
        '        "x": 1,',
        '        "y": 2',
        '      },',
        '      "config": {',
        '        "a": {',
        '          "b": 1,',
        '          "y": 2',
        '        },',
        '        "z": 1',
        '      }',
        '    }',
        '  ],',
        '  "edges": [',
        '    {',
        '      "id": "e",',
        '      "from": {',
        '        "node": "a",',
        '        "port": "out"',
        '      },',
        '      "to": {',
        '        "node": "b",',
        '        "port": "in"',
        '      }',
        '    }',
        '  ]',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('a saved document loads back to the same document', () => {
    const text = readFileSync(join(ROOT, 'resources/pipelines/live-room.json'), 'utf8');
    const doc = loadDocumentText(text, builtinRegistry).doc!;
    const again = loadDocumentText(serializeDocument(doc), builtinRegistry).doc!;
    expect(again).toEqual(doc);
    expect(serializeDocument(again)).toBe(serializeDocument(doc));
  });

  it('the published JSON Schema is the one generated from the node specs (run `npm run schema` after a change)', () => {
    const published = JSON.parse(readFileSync(join(ROOT, 'resources/schema/pipeline.v1.json'), 'utf8'));
    const generated = pipelineJsonSchema(builtinRegistry.all());
    expect(published).toEqual(JSON.parse(JSON.stringify(generated)));
    const variants = (
      generated.properties as { nodes: { items: { oneOf: { properties: { type: { const: string } } }[] } } }
    ).nodes.items.oneOf;
    expect(variants.map((v) => v.properties.type.const)).toEqual([
      'live-room',
      'test-pattern',
      'media-file-source',
      'stream-ingest',
      'camera',
      'screen',
      'microphone',
      'encoder',
      'packager',
      'kafka-source',
      'kafka-sink',
      'filter',
      'map',
      'key-by',
      'window',
      'serialize',
      'debug',
      'file',
      'media-file',
      'hls',
      'stream-publish',
      'redis',
      'archive',
    ]);
  });
});
