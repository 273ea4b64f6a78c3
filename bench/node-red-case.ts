/**
 * The Node-RED baseline: the same computation as a Node-RED flow (inject → function nodes for generate, filter,
 * map, key-by, window, sink), Node-RED embedded in this process, headless (no editor, no HTTP).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import RED from 'node-red';
import { liveRoomGenerator, type LiveRoomConfig } from '../src/engine/nodes/sources/live-room';

// Node-RED takes a node without x and y for a config node.
const fn = (id: string, name: string, func: string, wires: string[]) => ({
  id,
  type: 'function',
  z: 'tab',
  name,
  func,
  outputs: 1,
  x: 100,
  y: 100,
  wires: [wires],
});

function flows(watermarkDelay: number) {
  return [
    { id: 'tab', type: 'tab', label: 'bench' },
    {
      id: 'start',
      type: 'inject',
      z: 'tab',
      name: 'start',
      props: [],
      repeat: '',
      once: true,
      onceDelay: 0.1,
      x: 0,
      y: 0,
      wires: [['gen']],
    },
    fn(
      'gen',
      'generate',
      `const gen = global.get('gen'); const n = global.get('records'); const soon = global.get('soon'); global.get('started')();
       let i = 0;
       function chunk() {
         const end = Math.min(i + 256, n);
         for (; i < end; i++) node.send({ payload: gen(i) });
         if (i < n) soon(chunk); else node.send({ payload: null, end: true });
       }
       chunk();
       return null;`,
      ['filter'],
    ),
    fn('filter', 'filter', `return msg.end || msg.payload.type === 'gift' ? msg : null;`, ['map']),
    fn(
      'map',
      'map',
      `if (!msg.end) msg.payload = Object.assign({}, msg.payload, { value: msg.payload.coins * 100 }); return msg;`,
      ['key'],
    ),
    fn('key', 'key-by', `if (!msg.end) msg.payload.key = msg.payload.room; return msg;`, ['window']),
    fn(
      'window',
      'window 1 s sum',
      `let st = context.get('st');
       if (!st) { st = { open: new Map(), maxTs: -Infinity }; context.set('st', st); }
       const out = [];
       const fire = (upTo) => {
         for (const [start, sums] of st.open) {
           if (start + 1000 > upTo) continue;
           for (const [k, v] of sums) out.push({ payload: { key: k, windowStart: start, value: v } });
           st.open.delete(start);
         }
       };
       if (msg.end) { fire(Infinity); out.push(msg); return [out]; }
       const e = msg.payload;
       const start = Math.floor(e.ts / 1000) * 1000;
       if (start + 1000 <= st.maxTs - ${watermarkDelay}) return null;
       let sums = st.open.get(start);
       if (!sums) st.open.set(start, (sums = new Map()));
       sums.set(e.key, (sums.get(e.key) || 0) + e.value);
       if (e.ts > st.maxTs) { st.maxTs = e.ts; fire(st.maxTs - ${watermarkDelay}); }
       return [out];`,
      ['sink'],
    ),
    fn(
      'sink',
      'sink',
      `let s = context.get('s'); if (!s) { s = { windows: 0, checksum: 0 }; context.set('s', s); }
       if (msg.end) { global.get('done')(s); return null; }
       s.windows++; s.checksum += msg.payload.value; return null;`,
      [],
    ),
  ];
}

/** Run `records` events through the Node-RED flow; resolves with the timing and the results. */
export async function runNodeRed(source: LiveRoomConfig, watermarkDelay: number, records: number) {
  const userDir = mkdtempSync(join(tmpdir(), 'sluice-node-red-'));
  writeFileSync(join(userDir, 'flows.json'), JSON.stringify(flows(watermarkDelay)));
  let t0 = 0;
  let resolveDone!: (r: { windows: number; checksum: number; seconds: number }) => void;
  const finished = new Promise<{ windows: number; checksum: number; seconds: number }>((r) => (resolveDone = r));
  RED.init(createServer(), {
    userDir,
    flowFile: 'flows.json',
    httpAdminRoot: false,
    httpNodeRoot: false,
    credentialSecret: false,
    logging: { console: { level: 'error' } },
    functionGlobalContext: {
      gen: liveRoomGenerator(source, source.startTime),
      records,
      // setImmediate, which the function sandbox lacks: setTimeout would cap the generator at ~1 ms a chunk.
      soon: (f: () => void) => setImmediate(f),
      started: () => (t0 = performance.now()),
      done: (s: { windows: number; checksum: number }) =>
        resolveDone({ ...s, seconds: (performance.now() - t0) / 1000 }),
    },
  });
  await RED.start();
  const result = await finished;
  await RED.stop();
  return result;
}
