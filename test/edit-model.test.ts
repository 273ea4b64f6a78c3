import { describe, expect, it } from 'vitest';
import { serializeDocument, type PipelineDocument } from '../src/shared/document';
import {
  addNode,
  checkConnection,
  connect,
  copyFragment,
  moveNodes,
  newDocument,
  parseFragment,
  pasteFragment,
  removeElements,
  renameNode,
  setConfigField,
  setEdgeQueue,
  uniqueNodeId,
  type NodeTypeIndex,
} from '../src/shared/edit/commands';
import { HISTORY_LIMIT, record, redo, seal, startHistory, undo } from '../src/shared/edit/history';
import { autoLayout, DEFAULT_NODE_SIZE, freeSpot } from '../src/renderer/src/model/layout';
import { loadDocumentText } from '../src/engine/validate/validate';
import type { NodeTypeInfo } from '../src/shared/spec';
import { builtinRegistry } from '../src/engine/nodes/registry';

const types: NodeTypeIndex = new Map(builtinRegistry.describe().map((t) => [t.type, t]));

function mustConnect(doc: PipelineDocument, from: string, to: string): PipelineDocument {
  const [fn, fp] = from.split('.') as [string, string];
  const [tn, tp] = to.split('.') as [string, string];
  const r = connect(doc, types, { node: fn, port: fp }, { node: tn, port: tp });
  if ('refused' in r) throw new Error(r.refused);
  return r.doc;
}

/** live-room → filter → key-by → window → debug, built with the commands the editor uses. */
function liveRoom(): PipelineDocument {
  let doc = newDocument('Built');
  for (const [i, t] of ['live-room', 'filter', 'key-by', 'window', 'debug'].entries())
    doc = addNode(doc, t, { x: i * 200, y: 0 }).doc;
  doc = setConfigField(doc, 'filter', 'expression', "type = 'gift'");
  doc = setConfigField(doc, 'key-by', 'key', 'room');
  doc = setConfigField(doc, 'window', 'aggregates', [{ op: 'sum', field: 'coins', as: 'coins' }]);
  doc = mustConnect(doc, 'live-room.out', 'filter.in');
  doc = mustConnect(doc, 'filter.out', 'key-by.in');
  doc = mustConnect(doc, 'key-by.out', 'window.in');
  return mustConnect(doc, 'window.out', 'debug.in');
}

describe('document commands', () => {
  it('build a pipeline the engine accepts, with readable ids', () => {
    const doc = liveRoom();
    expect(doc.nodes.map((n) => n.id)).toEqual(['live-room', 'filter', 'key-by', 'window', 'debug']);
    expect(doc.edges.map((e) => e.id)).toEqual(['e1', 'e2', 'e3', 'e4']);
    const loaded = loadDocumentText(serializeDocument(doc), builtinRegistry);
    expect(loaded.issues).toEqual([]);
  });

  it('give new nodes unique ids from their type, and never reuse an edge id', () => {
    expect(uniqueNodeId(new Set(['filter', 'filter-2']), 'filter')).toBe('filter-3');
    expect(uniqueNodeId(new Set(['filter']), 'filter-7')).toBe('filter-2');
    let doc = liveRoom();
    doc = addNode(doc, 'filter', { x: 0, y: 0 }).doc;
    expect(doc.nodes.at(-1)!.id).toBe('filter-2');
    doc = removeElements(doc, [], ['e4']);
    doc = mustConnect(doc, 'filter-2.out', 'debug.in');
    expect(doc.edges.map((e) => e.id)).toEqual(['e1', 'e2', 'e3', 'e4']);
    doc = mustConnect(doc, 'window.out', 'debug.in');
    expect(doc.edges.at(-1)!.id).toBe('e5');
  });

  it('remove a node together with every edge touching it', () => {
    const doc = removeElements(liveRoom(), ['key-by']);
    expect(doc.nodes.map((n) => n.id)).toEqual(['live-room', 'filter', 'window', 'debug']);
    expect(doc.edges.map((e) => e.id)).toEqual(['e1', 'e4']);
  });

  it('judge a wire by the types this node has: an encoder’s output codec comes from its config or default', () => {
    const preview: NodeTypeInfo = {
      ...types.get('debug')!,
      type: 'preview',
      inputs: [{ name: 'in', type: 'video/encoded(h264)', description: '' }],
    };
    const encoder: NodeTypeInfo = {
      ...types.get('map')!,
      type: 'encoder',
      inputs: [],
      outputs: [{ name: 'out', type: 'video/encoded({codec})', description: '' }],
      fields: [{ name: 'codec', type: 'enum', description: '', required: false, default: 'h264' }],
    };
    const t2 = new Map(types).set('preview', preview).set('encoder', encoder);
    let doc = addNode(newDocument(), 'encoder', { x: 0, y: 0 }).doc;
    doc = addNode(doc, 'preview', { x: 300, y: 0 }).doc;
    const wire = () => checkConnection(doc, t2, { node: 'encoder', port: 'out' }, { node: 'preview', port: 'in' });
    expect(wire()).toEqual({ ok: true, fromType: 'video/encoded(h264)', toType: 'video/encoded(h264)' });
    doc = setConfigField(doc, 'encoder', 'codec', 'hevc');
    expect(wire()).toEqual({
      ok: false,
      reason: 'video/encoded(hevc) cannot feed a video/encoded(h264) input: re-encode to h264 first',
    });
  });

  it('refuse a wire with the reason: wrong port type, self, duplicate, cycle', () => {
    const doc = liveRoom();
    const video: NodeTypeInfo = {
      ...types.get('debug')!,
      type: 'preview',
      inputs: [{ name: 'in', type: 'video/encoded(h264)', description: '' }],
    };
    const withPreview = addNode(doc, 'preview', { x: 0, y: 300 }).doc;
    const t2 = new Map(types).set('preview', video);
    expect(checkConnection(withPreview, t2, { node: 'window', port: 'out' }, { node: 'preview', port: 'in' })).toEqual({
      ok: false,
      reason: 'record cannot feed a video/encoded(h264) input: records cannot become video',
    });
    expect(checkConnection(doc, types, { node: 'filter', port: 'out' }, { node: 'filter', port: 'in' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/cannot feed itself/),
    });
    expect(checkConnection(doc, types, { node: 'filter', port: 'out' }, { node: 'key-by', port: 'in' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/already feeds/),
    });
    expect(checkConnection(doc, types, { node: 'window', port: 'out' }, { node: 'filter', port: 'in' })).toEqual({
      ok: false,
      reason: 'this wire would close a cycle (filter → key-by → window → filter): a pipeline must flow one way',
    });
    expect(checkConnection(doc, types, { node: 'window', port: 'nope' }, { node: 'debug', port: 'in' })).toMatchObject({
      ok: false,
      reason: '"window" has no output "nope"',
    });
    expect(checkConnection(doc, types, { node: 'window', port: 'late' }, { node: 'debug', port: 'in' })).toEqual({
      ok: true,
      fromType: 'record',
      toType: 'record',
    });
    const refused = connect(doc, types, { node: 'window', port: 'out' }, { node: 'filter', port: 'in' });
    expect(refused).toHaveProperty('refused');
  });

  it('rename a node and every edge that names it; refuse a taken or malformed id', () => {
    const r = renameNode(liveRoom(), 'filter', 'gifts');
    if (!('doc' in r)) throw new Error(r.refused);
    expect(r.doc.edges.slice(0, 2).map((e) => `${e.from.node}->${e.to.node}`)).toEqual([
      'live-room->gifts',
      'gifts->key-by',
    ]);
    expect(renameNode(liveRoom(), 'filter', 'debug')).toEqual({ refused: 'another node is already called "debug"' });
    expect(renameNode(liveRoom(), 'filter', 'a b')).toMatchObject({
      refused: expect.stringMatching(/not a valid node id/),
    });
  });

  it('set and clear config fields and queue settings without touching other nodes', () => {
    const doc = liveRoom();
    const next = setConfigField(doc, 'filter', 'expression', 'true');
    expect(next.nodes[1]!.config).toEqual({ expression: 'true' });
    expect(next.nodes[0]).toBe(doc.nodes[0]);
    expect(setConfigField(next, 'filter', 'expression', undefined).nodes[1]!.config).toEqual({});
    expect(setConfigField(doc, 'filter', 'expression', "type = 'gift'")).toBe(doc);
    const q = setEdgeQueue(doc, 'e2', { maxRecords: 50, overflow: 'drop' });
    expect(q.edges[1]!.queue).toEqual({ maxRecords: 50, overflow: 'drop' });
    expect(setEdgeQueue(q, 'e2', {}).edges[1]).toEqual({
      id: 'e2',
      from: { node: 'filter', port: 'out' },
      to: { node: 'key-by', port: 'in' },
    });
  });

  it('copy and paste keep config and edges among the copied nodes, with new ids, also into another document', () => {
    const doc = liveRoom();
    const frag = parseFragment(JSON.stringify(copyFragment(doc, ['filter', 'key-by', 'debug'])))!;
    expect(frag.edges.map((e) => e.id)).toEqual(['e2']);
    const same = pasteFragment(doc, frag, { x: 40, y: 40 });
    expect(same.ids).toEqual(['filter-2', 'key-by-2', 'debug-2']);
    const pasted = same.doc.nodes.find((n) => n.id === 'filter-2')!;
    expect(pasted.config).toEqual({ expression: "type = 'gift'" });
    expect(pasted.position).toEqual({ x: 240, y: 40 });
    expect(same.doc.edges.at(-1)).toEqual({
      id: 'e5',
      from: { node: 'filter-2', port: 'out' },
      to: { node: 'key-by-2', port: 'in' },
    });
    // Pasting into another (empty) document keeps the original ids where free.
    const other = pasteFragment(newDocument('Other'), frag, { x: 0, y: 0 });
    expect(other.ids).toEqual(['filter', 'key-by', 'debug']);
    expect(loadDocumentText(serializeDocument(same.doc), builtinRegistry).issues).toEqual([]);
    expect(parseFragment('{"nodes": []}')).toBeUndefined();
    expect(parseFragment('not json')).toBeUndefined();
  });

  it('lay out left to right: every edge points rightwards, nothing overlaps', () => {
    let doc = liveRoom();
    doc = moveNodes(doc, new Map(doc.nodes.map((n, i) => [n.id, { x: 500 - i * 100, y: (i * 37) % 90 }])));
    const laid = autoLayout(doc);
    const pos = new Map(laid.nodes.map((n) => [n.id, n.position]));
    for (const e of laid.edges) expect(pos.get(e.to.node)!.x).toBeGreaterThan(pos.get(e.from.node)!.x + 150);
    expect(Math.min(...laid.nodes.map((n) => n.position.x))).toBe(Math.min(...doc.nodes.map((n) => n.position.x)));
  });

  it('lay out nodes with no wires as a row, in the order they stood, not a column', () => {
    let doc = newDocument('Loose');
    for (const [t, x] of [
      ['debug', 300],
      ['live-room', -50],
      ['filter', 120],
    ] as const)
      doc = addNode(doc, t, { x, y: x / 3 }).doc;
    const laid = autoLayout(doc);
    const row = [...laid.nodes].sort((a, b) => a.position.x - b.position.x);
    expect(row.map((n) => n.id)).toEqual(['live-room', 'filter', 'debug']);
    expect(new Set(row.map((n) => n.position.y)).size).toBe(1);
    for (let i = 1; i < row.length; i++)
      expect(row[i]!.position.x).toBeGreaterThanOrEqual(row[i - 1]!.position.x + DEFAULT_NODE_SIZE.width);
  });

  it('place a new node where it covers none: where asked if free, else the nearest free place', () => {
    const doc = liveRoom();
    const overlaps = (p: { x: number; y: number }) =>
      doc.nodes.some(
        (n) =>
          p.x < n.position.x + DEFAULT_NODE_SIZE.width &&
          n.position.x < p.x + DEFAULT_NODE_SIZE.width &&
          p.y < n.position.y + DEFAULT_NODE_SIZE.height &&
          n.position.y < p.y + DEFAULT_NODE_SIZE.height,
      );
    expect(freeSpot(doc, { x: 0, y: 400 })).toEqual({ x: 0, y: 400 });
    const onTop = doc.nodes[2]!.position;
    const p = freeSpot(doc, onTop);
    expect(overlaps(p)).toBe(false);
    // Near: a row of nodes 200 apart leaves room just above or below it, not far away.
    expect(Math.abs(p.x - onTop.x) + Math.abs(p.y - onTop.y)).toBeLessThan(200);
  });
});

describe('the undo stack', () => {
  it('undo and redo give back exactly the saved documents', () => {
    let h = startHistory(liveRoom());
    const texts = [serializeDocument(h.present)];
    h = record(h, addNode(h.present, 'map', { x: 10, y: 300 }).doc);
    texts.push(serializeDocument(h.present));
    h = record(h, removeElements(h.present, ['filter']));
    texts.push(serializeDocument(h.present));
    h = undo(h);
    expect(serializeDocument(h.present)).toBe(texts[1]);
    h = undo(h);
    expect(serializeDocument(h.present)).toBe(texts[0]);
    expect(undo(h)).toBe(h);
    h = redo(redo(h));
    expect(serializeDocument(h.present)).toBe(texts[2]);
    expect(redo(h)).toBe(h);
  });

  it('typing into one field is one step; a new edit clears redo; no-op edits record nothing', () => {
    let h = startHistory(liveRoom());
    const before = h.present;
    for (const text of ['t', 'ty', 'typ', 'type'])
      h = record(h, setConfigField(h.present, 'filter', 'expression', text), 'filter/expression');
    expect(h.past).toHaveLength(1);
    h = seal(h);
    h = record(h, setConfigField(h.present, 'filter', 'expression', 'x'), 'filter/expression');
    expect(h.past).toHaveLength(2);
    h = undo(undo(h));
    expect(h.present).toBe(before);
    h = record(h, moveNodes(h.present, new Map([['filter', { x: 1, y: 1 }]])));
    expect(h.future).toHaveLength(0);
    expect(record(h, h.present)).toBe(h);
  });

  it(`keeps the last ${HISTORY_LIMIT} steps`, () => {
    let h = startHistory(newDocument());
    for (let i = 0; i < HISTORY_LIMIT + 20; i++) h = record(h, addNode(h.present, 'debug', { x: i, y: 0 }).doc);
    expect(h.past).toHaveLength(HISTORY_LIMIT);
    while (h.past.length) h = undo(h);
    expect(h.present.nodes).toHaveLength(20);
  });
});
