/**
 * Test helpers: run a document through the real engine and collect what it did.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { vi } from 'vitest';
import { join } from 'node:path';
import type { PipelineDocument } from '../src/shared/document';
import type { MetricsTick } from '../src/shared/metrics';
import { validateValue } from '../src/engine/validate/validate';
import type { ResolvedPipeline } from '../src/engine/document/resolved';
import { Flow, type FlowOptions } from '../src/engine/runtime/flow';
import { builtinRegistry } from '../src/engine/nodes/registry';
import liveRoom, { liveRoomGenerator } from '../src/engine/nodes/sources/live-room';

export const ROOT = join(import.meta.dirname, '..');

/** A new empty folder under the system's temp folder, `sluice-<name>-XXXXXX`. */
export const tempDir = (name: string): string => mkdtempSync(join(tmpdir(), `sluice-${name}-`));
export const fixture = (name: string): string => readFileSync(join(ROOT, 'test', 'fixtures', name), 'utf8');

export function resolve(doc: PipelineDocument): ResolvedPipeline {
  const r = validateValue(doc, builtinRegistry);
  if (!r.pipeline) throw new Error(`invalid test document: ${JSON.stringify(r.issues)}`);
  return r.pipeline;
}

export interface Recorded {
  flow: Flow;
  ticks: MetricsTick[];
  errors: { nodeId: string; message: string }[];
  states: { nodeId: string; state: string }[];
}

/** Start a flow with metrics every `intervalMs`, recording ticks, errors and state changes. */
export async function startFlow(doc: PipelineDocument, intervalMs = 250, options: FlowOptions = {}): Promise<Recorded> {
  const rec: Omit<Recorded, 'flow'> = { ticks: [], errors: [], states: [] };
  const flow = new Flow(
    resolve(doc),
    {
      onMetrics: (t) => rec.ticks.push(t),
      onError: (nodeId, message) => rec.errors.push({ nodeId, message }),
      onState: (nodeId, state) => rec.states.push({ nodeId, state }),
    },
    { metricsIntervalMs: intervalMs, ...options },
  );
  await flow.start();
  return { flow, ...rec };
}

/** A small linear document: nodes in order, each wired `out` → `in` to the next. */
export function chain(
  name: string,
  nodes: { id: string; type: string; config?: Record<string, unknown> }[],
  queue?: PipelineDocument['edges'][number]['queue'],
): PipelineDocument {
  return {
    version: 1,
    name,
    nodes: nodes.map((n, i) => ({ id: n.id, type: n.type, position: { x: i * 200, y: 0 }, config: n.config ?? {} })),
    edges: nodes.slice(1).map((n, i) => ({
      id: `e${i + 1}`,
      from: { node: nodes[i]!.id, port: 'out' },
      to: { node: n.id, port: 'in' },
      ...(queue ? { queue } : {}),
    })),
  };
}

export interface WiredNode {
  id: string;
  type: string;
  config?: Record<string, unknown>;
}

/** A document from nodes (laid out in a row) and wires written `from.port>to.port`. */
export function wired(name: string, nodes: WiredNode[], wires: string[]): PipelineDocument {
  return {
    version: 1,
    name,
    nodes: nodes.map((n, i) => ({ id: n.id, type: n.type, position: { x: i * 200, y: 0 }, config: n.config ?? {} })),
    edges: wires.map((w, i) => {
      const [from, to] = w.split('>') as [string, string];
      const [fn, fp] = from.split('.') as [string, string];
      const [tn, tp] = to.split('.') as [string, string];
      return { id: `e${i + 1}`, from: { node: fn, port: fp }, to: { node: tn, port: tp } };
    }),
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Check that `check` keeps holding for `ms` (polled every 50 ms), failing as soon as it does not: for what must NOT
 * happen (nothing committed while a window holds the records), which no event can announce.
 */
export async function stays(
  check: () => boolean | Promise<boolean>,
  ms: number,
  what = 'the condition',
): Promise<void> {
  const end = Date.now() + ms;
  do {
    if (!(await check())) throw new Error(`${what} stopped holding`);
    await sleep(50);
  } while (Date.now() < end);
}

/** Wait until `check` holds (polled every 50 ms), at most `timeout` ms, or fail saying what was waited for. */
export async function until(
  check: () => boolean | Promise<boolean>,
  timeout = 15_000,
  what = 'the condition',
): Promise<void> {
  await vi.waitFor(
    async () => {
      if (!(await check())) throw new Error(`still waiting for ${what}`);
    },
    { timeout, interval: 50 },
  );
}

/** A test pattern (320×180, 30 fps, in real time) → H.264 (a keyframe every 15) → CMAF packager → archive into `dir`, a file a second. */
export function videoToArchive(name: string, dir: string, frames: number): PipelineDocument {
  return wired(
    name,
    [
      { id: 'cam', type: 'test-pattern', config: { width: 320, height: 180, rate: 30, frames, realtime: true } },
      { id: 'enc', type: 'encoder', config: { codec: 'h264', device: 'cpu', gopFrames: 15 } },
      { id: 'pack', type: 'packager', config: { format: 'cmaf' } },
      { id: 'archive', type: 'archive', config: { target: dir, path: 'video', rollIntervalMs: 1000 } },
    ],
    ['cam.video>enc.in', 'enc.out>pack.in', 'pack.out>archive.bytes'],
  );
}

/** Point the settings file at `settings` (connection profiles) until the returned function is called. */
export function useSettings(settings: object): () => void {
  const path = join(tempDir('settings'), 'settings.json');
  writeFileSync(path, JSON.stringify(settings));
  const before = process.env.SLUICE_SETTINGS;
  process.env.SLUICE_SETTINGS = path;
  return () => {
    if (before === undefined) delete process.env.SLUICE_SETTINGS;
    else process.env.SLUICE_SETTINGS = before;
  };
}

/** Whether a process is still there. */
export const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The events a live-room source with this config makes, as the JSON lines an archive of them should hold. */
export function reference(room: Record<string, unknown>): string[] {
  const cfg = liveRoom.config.parse(room);
  const next = liveRoomGenerator(cfg, cfg.startTime);
  return Array.from({ length: cfg.limit }, (_, i) => JSON.stringify(next(i)));
}
