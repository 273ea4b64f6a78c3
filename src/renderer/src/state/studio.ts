/**
 * The studio's state, by domain: connection, document, run, metrics. Each is its own store.
 */
import type { NodeErrorEvent, RunStatus, StudioApi } from '../../../shared/api';
import type { MetricsTick } from '../../../shared/metrics';
import { connectStudio, type ConnectionState } from '../api/connect';
import { attachValidation, documentStore, loadDocument } from './document';
import { createStore } from './store';

export { documentStore };

export const connectionStore = createStore<{ state: ConnectionState; why?: string }>({ state: 'connecting' });


export interface RunState {
  status: RunStatus;
  errors: NodeErrorEvent[];
  lastActionError?: string;
}
export const runStore = createStore<RunState>({ status: { phase: 'idle', nodeStates: {} }, errors: [] });

/** Editing is locked while a run is starting, running or stopping: the canvas shows what runs. */
export const isLocked = (s: RunState = runStore.get()): boolean => s.status.phase === 'starting' || s.status.phase === 'running' || s.status.phase === 'stopping';

/** The number of ticks kept: 60 s at 4 ticks a second. A bounded ring, so memory does not grow. */
export const HISTORY_TICKS = 240;

/** One point of the rate chart: the time and a rate per node. */
export interface RatePoint {
  t: number;
  [nodeId: string]: number;
}

export interface MetricsState {
  latest?: MetricsTick;
  /** The 1-second moving rate per node: sources by output, others by input. */
  rates: Record<string, number>;
  history: RatePoint[];
}
export const metricsStore = createStore<MetricsState>({ rates: {}, history: [] });

/** Recent ticks (1 s) for the moving rate. */
let window1s: MetricsTick[] = [];

function onTick(tick: MetricsTick): void {
  const types = documentStore.get().nodeTypes;
  const typeOf = new Map(documentStore.get().doc.nodes.map((n) => [n.id, n.type]));
  if (window1s[0] && window1s[0].runId !== tick.runId) window1s = [];
  window1s.push(tick);
  while (window1s.length > 1 && tick.elapsedMs - window1s[0]!.elapsedMs > 1000) window1s.shift();
  const first = window1s.length > 1 ? window1s[0]! : undefined;
  const secs = Math.max((tick.elapsedMs - (first?.elapsedMs ?? 0)) / 1000, 0.25);
  const rates: Record<string, number> = {};
  for (const [id, m] of Object.entries(tick.nodes)) {
    const type = types.get(typeOf.get(id) ?? '');
    const isSource = type ? type.inputs.length === 0 : false;
    const now = isSource ? m.recordsOut : m.recordsIn;
    const before = first ? (isSource ? first.nodes[id]?.recordsOut : first.nodes[id]?.recordsIn) ?? 0 : 0;
    rates[id] = (now - before) / secs;
  }
  metricsStore.set((prev) => {
    const history = prev.latest?.runId === tick.runId ? prev.history.slice(-(HISTORY_TICKS - 1)) : [];
    history.push({ t: Math.round(tick.elapsedMs / 100) / 10, ...rates });
    return { latest: tick, rates, history };
  });
}

let api: StudioApi | undefined;

/** The API client, created on first use. */
export function studioApi(): StudioApi {
  return (api ??= connectStudio((state, why) => connectionStore.set({ state, why })));
}

/** Load node types and the demo pipeline, and follow the run's events. */
export async function startStudio(): Promise<void> {
  const a = studioApi();
  a.on('metrics', onTick);
  a.on('runState', (status) => runStore.set((s) => ({ ...s, status })));
  a.on('nodeError', (e) =>
    runStore.set((s) => ({ ...s, errors: [...s.errors.filter((x) => x.nodeId !== e.nodeId || x.runId !== e.runId), e].slice(-50) })),
  );
  attachValidation(a);
  const types = await a.listNodeTypes();
  documentStore.set((s) => ({ ...s, nodeTypes: new Map(types.map((t) => [t.type, t])) }));
  const opened = await a.openDemo();
  if (opened.document) loadDocument(opened.document, opened.path, opened.validation.issues, true);
  // The demo may already be running (`--run-demo`): show that run on it.
  const status = await a.status();
  if (status.runId && status.phase !== 'idle' && status.pipelineName === opened.document?.name) documentStore.set((s) => ({ ...s, viewRunId: status.runId }));
}

/** The run this window's document shows, if it is the engine's current or last run. */
export const shownRunId = (): string | undefined => {
  const id = documentStore.get().viewRunId;
  return id !== undefined && id === runStore.get().status.runId ? id : undefined;
};

export async function runPipeline(): Promise<void> {
  const doc = documentStore.get().doc;
  runStore.set((s) => ({ ...s, errors: [], lastActionError: undefined }));
  try {
    const status = await studioApi().run(doc);
    documentStore.set((s) => ({ ...s, viewRunId: status.runId }));
  } catch (err) {
    runStore.set((s) => ({ ...s, lastActionError: (err as Error).message }));
  }
}

export async function stopPipeline(): Promise<void> {
  try {
    await studioApi().stop();
  } catch (err) {
    runStore.set((s) => ({ ...s, lastActionError: (err as Error).message }));
  }
}
