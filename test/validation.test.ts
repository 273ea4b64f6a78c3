import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadDocumentText, validateValue } from '../src/engine/validate/validate';
import { createRegistry } from '../src/engine/contract/registry';
import { defineNode, type NodeSpec } from '../src/engine/contract/spec';
import { fixture } from './helpers';
import { formatIssue } from '../src/shared/validation';
import { builtinRegistry } from '../src/engine/nodes/registry';

const brief = (text: string) =>
  loadDocumentText(text, builtinRegistry).issues.map((i) => ({
    code: i.code,
    pointer: i.pointer,
    message: i.message,
    node: i.nodeId ?? i.edgeId,
    line: i.line,
  }));

describe('validation reports every problem, each with its place', () => {
  it('a JSON syntax error names its line and column', () => {
    expect(brief(fixture('bad/syntax.json'))).toEqual([
      {
        code: 'json-syntax',
        pointer: '',
        message: 'Expected a value but found "]" at line 6, column 3',
        node: undefined,
        line: 6,
      },
    ]);
  });

  it('a document from a newer Sluice says so, and nothing else', () => {
    expect(brief(fixture('bad/newer-version.json'))).toEqual([
      {
        code: 'version',
        pointer: '/version',
        message: 'this file was written by a newer Sluice (document version 2); this Sluice reads version 1',
        node: undefined,
        line: 2,
      },
    ]);
  });

  it('something that is not a pipeline gets every structural problem at once', () => {
    expect(brief(fixture('bad/not-a-pipeline.json'))).toEqual([
      {
        code: 'version',
        pointer: '/version',
        message: 'expected "version": 1, found nothing',
        node: undefined,
        line: 1,
      },
      {
        code: 'structure',
        pointer: '/name',
        message: '"name": expected string, received number',
        node: undefined,
        line: 2,
      },
      {
        code: 'structure',
        pointer: '/nodes',
        message: '"nodes": expected array, received object',
        node: undefined,
        line: 3,
      },
      { code: 'structure', pointer: '/edges', message: '"edges" is required (array)', node: undefined, line: 1 },
      { code: 'structure', pointer: '/extra', message: 'unknown field "extra"', node: undefined, line: 4 },
    ]);
  });

  it('node types, ids, configs, expressions, edges and ports: all reported together', () => {
    expect(brief(fixture('bad/many-problems.json'))).toEqual([
      {
        code: 'config',
        pointer: '/nodes/0/config/rate',
        message: '"rate": expected number, received string',
        node: 'room',
        line: 5,
      },
      { code: 'config', pointer: '/nodes/0/config/colour', message: 'unknown field "colour"', node: 'room', line: 5 },
      {
        code: 'unknown-node-type',
        pointer: '/nodes/1/type',
        message: 'unknown node type "filtr"; did you mean "filter"?',
        node: 'gifts',
        line: 6,
      },
      {
        code: 'config',
        pointer: '/nodes/2/config/expression',
        message: '"expression" is required (string)',
        node: 'keep',
        line: 7,
      },
      {
        code: 'duplicate-id',
        pointer: '/nodes/3/id',
        message: 'duplicate node id "keep" (also used by /nodes/2)',
        node: 'keep',
        line: 8,
      },
      {
        code: 'expression',
        pointer: '/nodes/4/config/expression',
        message:
          '"expression": JSONata syntax error: The symbol "}" cannot be used as a unary operator at position 15 (near " coins * }")',
        node: 'bad-expr',
        line: 9,
      },
      {
        code: 'config',
        pointer: '/nodes/5/config/keep',
        message: '"keep": Too small: expected number to be >=1',
        node: 'sink',
        line: 10,
      },
      {
        code: 'config',
        pointer: '/nodes/6/config/aggregates/0/field',
        message: '"aggregates.0.field": sum needs a field',
        node: 'win',
        line: 11,
      },
      {
        code: 'config',
        pointer: '/nodes/6/config/slideMs',
        message: '"slideMs": sliding windows need slideMs',
        node: 'win',
        line: 11,
      },
      {
        code: 'unknown-node',
        pointer: '/edges/0/to/node',
        message: 'edge to unknown node "ghost"',
        node: 'e1',
        line: 14,
      },
      {
        code: 'unknown-port',
        pointer: '/edges/1/from/port',
        message: 'node "bad-expr" (map) has no output port "output"; its output ports: "out"',
        node: 'bad-expr',
        line: 15,
      },
      {
        code: 'duplicate-id',
        pointer: '/edges/2/id',
        message: 'duplicate edge id "e2" (also used by /edges/1)',
        node: 'e2',
        line: 16,
      },
    ]);
  });

  it('a cycle names the nodes on it, not those below it', () => {
    expect(brief(fixture('bad/cycle.json'))).toEqual([
      {
        code: 'cycle',
        pointer: '/edges/1',
        message:
          'the edges form a cycle through nodes "a", "b", closed by edge "ba" (b → a); a pipeline must flow one way',
        node: 'a',
        line: 11,
      },
    ]);
  });

  it('a wire between port types that do not mix is refused with the reason and the fix', () => {
    // A registry with one more node type, a video source, defined through the same spec mechanism.
    const camera = defineNode({
      type: 'test-camera',
      category: 'sources',
      title: 'Camera',
      description: 'raw frames',
      inputs: [],
      outputs: [{ name: 'frames', type: 'video/raw', description: 'frames' }],
      config: z.strictObject({}),
      create: () => ({}),
    });
    const registry = createRegistry([...builtinRegistry.all(), camera as unknown as NodeSpec]);
    const doc = {
      version: 1,
      name: 'wrong wire',
      nodes: [
        { id: 'cam', type: 'test-camera', position: { x: 0, y: 0 }, config: {} },
        { id: 'sink', type: 'debug', position: { x: 1, y: 0 }, config: {} },
      ],
      edges: [{ id: 'w', from: { node: 'cam', port: 'frames' }, to: { node: 'sink', port: 'in' } }],
    };
    expect(validateValue(doc, registry).issues).toEqual([
      {
        code: 'port-type',
        pointer: '/edges/0',
        edgeId: 'w',
        message: 'video/raw cannot feed a record input: add an encoder and a packager first',
      },
    ]);
  });

  it('a port whose type names a config field has the type of that node’s config (an encoder’s codec)', () => {
    const spec = (type: string, inputs: NodeSpec['inputs'], outputs: NodeSpec['outputs'], config: z.ZodObject) =>
      defineNode({
        type,
        category: 'media',
        title: type,
        description: type,
        inputs,
        outputs,
        config,
        create: () => ({}),
      }) as unknown as NodeSpec;
    const registry = createRegistry([
      spec('test-frames', [], [{ name: 'out', type: 'video/raw', description: '' }], z.strictObject({})),
      spec(
        'test-encoder',
        [{ name: 'in', type: 'video/raw', description: '' }],
        [{ name: 'out', type: 'video/encoded({codec})', description: '' }],
        z.strictObject({ codec: z.enum(['h264', 'hevc']).default('h264') }),
      ),
      spec('test-preview', [{ name: 'in', type: 'video/encoded(h264)', description: '' }], [], z.strictObject({})),
    ]);
    const doc = (config: Record<string, unknown>) => ({
      version: 1,
      name: 'encoded',
      nodes: [
        { id: 'src', type: 'test-frames', position: { x: 0, y: 0 }, config: {} },
        { id: 'enc', type: 'test-encoder', position: { x: 1, y: 0 }, config },
        { id: 'view', type: 'test-preview', position: { x: 2, y: 0 }, config: {} },
      ],
      edges: [
        { id: 'a', from: { node: 'src', port: 'out' }, to: { node: 'enc', port: 'in' } },
        { id: 'b', from: { node: 'enc', port: 'out' }, to: { node: 'view', port: 'in' } },
      ],
    });
    // The default codec, h264, feeds the preview; hevc does not, and the reason says to re-encode.
    expect(validateValue(doc({}), registry).issues).toEqual([]);
    expect(validateValue(doc({ codec: 'hevc' }), registry).issues).toEqual([
      {
        code: 'port-type',
        pointer: '/edges/1',
        edgeId: 'b',
        message: 'video/encoded(hevc) cannot feed a video/encoded(h264) input: re-encode to h264 first',
      },
    ]);
  });

  it('the demo pipeline is valid', () => {
    const r = loadDocumentText(fixture('../../resources/pipelines/live-room.json'), builtinRegistry);
    expect(r.issues).toEqual([]);
    expect(r.ok).toBe(true);
  });
});

describe('a window with scope "partition" warns when its results may be partial', () => {
  const doc = (scope: string | undefined, key: string, sinkKey: string | undefined) =>
    JSON.stringify(
      {
        version: 1,
        name: 'scope',
        nodes: [
          { id: 'room', type: 'live-room', position: { x: 0, y: 0 }, config: {} },
          {
            id: 'events',
            type: 'kafka-sink',
            position: { x: 0, y: 0 },
            config: { topic: 'room-events', ...(sinkKey ? { key: sinkKey } : {}) },
          },
          { id: 'read', type: 'kafka-source', position: { x: 0, y: 0 }, config: { topics: ['room-events'] } },
          { id: 'by', type: 'key-by', position: { x: 0, y: 0 }, config: { key } },
          { id: 'win', type: 'window', position: { x: 0, y: 0 }, config: scope ? { scope } : {} },
        ],
        edges: [
          { id: 'a', from: { node: 'room', port: 'out' }, to: { node: 'events', port: 'in' } },
          { id: 'b', from: { node: 'read', port: 'out' }, to: { node: 'by', port: 'in' } },
          { id: 'c', from: { node: 'by', port: 'out' }, to: { node: 'win', port: 'in' } },
        ],
      },
      null,
      2,
    );

  it('keyed by something that is not the message key: a warning naming the window, the field and its line; the pipeline still runs', () => {
    const r = loadDocumentText(doc('partition', 'user', 'room'), builtinRegistry);
    expect(r.ok).toBe(true);
    expect(r.pipeline).toBeDefined();
    expect(r.issues).toEqual([
      {
        code: 'config',
        severity: 'warning',
        pointer: '/nodes/4/config/scope',
        nodeId: 'win',
        line: expect.any(Number),
        column: expect.any(Number),
        message:
          'scope "partition": results are per Kafka partition, and key-by "by" keys by `user`, which is not known to be the message key of "room-events" (no kafka-sink in this pipeline writes it with key `user`; `_kafka.key` is the message key): a key whose records are on several partitions gets a partial result from each. Use scope "all" for one result per key, or key the topic by the window\'s key',
      },
    ]);
    expect(formatIssue(r.issues[0]!, 'p.json')).toMatch(
      /^p\.json:\d+:\d+ warning: \/nodes\/4\/config\/scope node "win": scope "partition": results are per Kafka partition/,
    );
    // The topic written unkeyed: the same warning.
    expect(loadDocumentText(doc('partition', 'room', undefined), builtinRegistry).issues).toHaveLength(1);
  });

  it('no warning when the key is the message key, or with the default scope (one result per key)', () => {
    expect(loadDocumentText(doc('partition', 'room', 'room'), builtinRegistry).issues).toEqual([]);
    expect(loadDocumentText(doc('partition', '_kafka.key', undefined), builtinRegistry).issues).toEqual([]);
    expect(loadDocumentText(doc(undefined, 'user', 'room'), builtinRegistry).issues).toEqual([]);
    expect(loadDocumentText(doc('all', 'user', undefined), builtinRegistry).issues).toEqual([]);
  });
});

describe('a window reading event time from another field than its Kafka source makes watermarks from', () => {
  const doc = (sourceTime: string | undefined, windowTime: string | undefined, withMap: boolean) =>
    JSON.stringify({
      version: 1,
      name: 'time fields',
      nodes: [
        {
          id: 'read',
          type: 'kafka-source',
          position: { x: 0, y: 0 },
          config: { topics: ['t'], ...(sourceTime ? { timeField: sourceTime } : {}) },
        },
        ...(withMap
          ? [{ id: 'shape', type: 'map', position: { x: 0, y: 0 }, config: { expression: '{"at": time, "n": 1}' } }]
          : []),
        { id: 'win', type: 'window', position: { x: 0, y: 0 }, config: windowTime ? { timeField: windowTime } : {} },
      ],
      edges: withMap
        ? [
            { id: 'a', from: { node: 'read', port: 'out' }, to: { node: 'shape', port: 'in' } },
            { id: 'b', from: { node: 'shape', port: 'out' }, to: { node: 'win', port: 'in' } },
          ]
        : [{ id: 'a', from: { node: 'read', port: 'out' }, to: { node: 'win', port: 'in' } }],
    });

  it('warns, naming both fields and the field to set; the pipeline still runs', () => {
    const r = loadDocumentText(doc(undefined, 'time', false), builtinRegistry);
    expect(r.ok).toBe(true);
    expect(
      r.issues.map((i) => ({ severity: i.severity, pointer: i.pointer, nodeId: i.nodeId, message: i.message })),
    ).toEqual([
      {
        severity: 'warning',
        pointer: '/nodes/1/config/timeField',
        nodeId: 'win',
        message:
          'the window reads event time from "time", but Kafka source "read" makes its watermark from "ts": set the source\'s timeField to "time", or the watermark runs on other times than the windows',
      },
    ]);
  });

  it('is quiet when they agree, or when a map between them may set the field', () => {
    expect(loadDocumentText(doc('time', 'time', false), builtinRegistry).issues).toEqual([]);
    expect(loadDocumentText(doc(undefined, undefined, false), builtinRegistry).issues).toEqual([]);
    expect(loadDocumentText(doc(undefined, 'at', true), builtinRegistry).issues).toEqual([]);
  });
});
