/**
 * The studio's state, by domain: connection, document, run, metrics. Each is its own store.
 */
import type { NodeErrorEvent, RunStatus, StudioApi } from '../../../shared/api';
import type { MetricsTick } from '../../../shared/metrics';
import type { RunTarget } from '../../../shared/flink';
import { connectStudio, type ConnectionState } from '../api/connect';
import { attachValidation, documentStore, loadDocument } from './document';
import { KeyedStore } from './keyed';
import { createStore } from './store';
import { dashboardTick } from './dashboard';
import { currentChoice, currentChoiceIssues, followEnvironments } from './environments';

export { documentStore };

export const connectionStore = createStore<{ state: ConnectionState; why?: string }>({ state: 'connecting' });

export interface RunState {
  status: RunStatus;
  errors: NodeErrorEvent[];
  lastActionError?: string;
}
export const runStore = createStore<RunState>({ status: { phase: 'idle', nodeStates: {} }, errors: [] });

/** Editing is locked while a run is starting, running or stopping: the canvas shows what runs. */
export const isLocked = (s: RunState = runStore.get()): boolean =>
  s.status.phase === 'starting' || s.status.phase === 'running' || s.status.phase === 'stopping';

/** The number of ticks kept: 60 s at 4 ticks a second. A bounded ring, so memory does not grow. */
export const HISTORY_TICKS = 240;

/** One point of the rate chart: the time and a rate per node. */
export interface RatePoint {
  t: number;
  [nodeId: string]: number;
}

/**
 * The last minute of rates, one ring of numbers per node: a tick writes numbers in place instead of allocating a
 * point object with a key per node (with 500 nodes, that garbage made the main thread stall for collection).
 */
export class RateHistory {
  private readonly times = new Float64Array(HISTORY_TICKS);
  private readonly series = new Map<string, Float64Array>();
  private length = 0;
  private next = 0;

  constructor(readonly runId?: string) {}

  push(t: number, rates: Record<string, number>): void {
    this.times[this.next] = t;
    for (const id in rates) {
      let ring = this.series.get(id);
      if (!ring) this.series.set(id, (ring = new Float64Array(HISTORY_TICKS).fill(NaN)));
      ring[this.next] = rates[id]!;
    }
    this.next = (this.next + 1) % HISTORY_TICKS;
    this.length = Math.min(this.length + 1, HISTORY_TICKS);
  }

  /**
   * The chart's points for the given nodes, oldest first: at most `max`, evenly spaced back from the newest (a
   * minute of 4 Hz ticks is more points than a 400-pixel chart can show, and each costs the chart a redraw).
   */
  points(ids: readonly string[], max = HISTORY_TICKS): RatePoint[] {
    const out: RatePoint[] = [];
    const start = (this.next - this.length + HISTORY_TICKS) % HISTORY_TICKS;
    const stride = Math.max(1, Math.ceil(this.length / max));
    for (let k = (this.length - 1) % stride; k < this.length; k += stride) {
      const i = (start + k) % HISTORY_TICKS;
      const p: RatePoint = { t: this.times[i]! };
      for (const id of ids) {
        const v = this.series.get(id)?.[i];
        if (v !== undefined && !Number.isNaN(v)) p[id] = v;
      }
      out.push(p);
    }
    return out;
  }
}

export interface MetricsState {
  latest?: MetricsTick;
  /** The 1-second moving rate per node: sources by output, others by input. */
  rates: Record<string, number>;
  history: RateHistory;
}
export const metricsStore = createStore<MetricsState>({ rates: {}, history: new RateHistory() });

/**
 * The last second of record counts, for the moving rate: one typed array per tick, in the order of `windowIds`.
 * Whole ticks are not kept (with a large pipeline they would pile up in the old generation and make the main
 * thread pause for garbage collection).
 */
let windowRun: string | undefined;
let windowIds: string[] = [];
let window1s: { elapsedMs: number; counts: Float64Array }[] = [];

/** Which nodes are sources (their rate is what they emit; others, what they take in), worked out once per document. */
const sourcesOf = new WeakMap<object, Set<string>>();
function sources(): Set<string> {
  const { doc, nodeTypes } = documentStore.get();
  let set = sourcesOf.get(doc);
  if (!set)
    sourcesOf.set(
      doc,
      (set = new Set(doc.nodes.filter((n) => nodeTypes.get(n.type)?.inputs.length === 0).map((n) => n.id))),
    );
  return set;
}

function onTick(tick: MetricsTick): void {
  const isSource = sources();
  const ids = Object.keys(tick.nodes);
  if (windowRun !== tick.runId || ids.length !== windowIds.length || ids.some((id, i) => id !== windowIds[i])) {
    windowRun = tick.runId;
    windowIds = ids;
    window1s = [];
  }
  const counts = new Float64Array(ids.length);
  ids.forEach((id, i) => {
    const m = tick.nodes[id]!;
    counts[i] = isSource.has(id) ? m.recordsOut : m.recordsIn;
  });
  window1s.push({ elapsedMs: tick.elapsedMs, counts });
  while (window1s.length > 1 && tick.elapsedMs - window1s[0]!.elapsedMs > 1000) window1s.shift();
  const first = window1s.length > 1 ? window1s[0]! : undefined;
  const secs = Math.max((tick.elapsedMs - (first?.elapsedMs ?? 0)) / 1000, 0.25);
  const rates: Record<string, number> = {};
  ids.forEach((id, i) => (rates[id] = (counts[i]! - (first?.counts[i] ?? 0)) / secs));
  metricsStore.set((prev) => {
    const history = prev.history.runId === tick.runId ? prev.history : new RateHistory(tick.runId);
    history.push(Math.round(tick.elapsedMs / 100) / 10, rates);
    return { latest: tick, rates, history };
  });
  updateLevels(tick);
  dashboardTick(tick, isSource);
}

/** Queue fill as a level: 0 below 60 %, 1 above, 2 above 85 % (back pressure); -1 where there are no figures. */
export const fillLevel = (fullFraction: number): number => (fullFraction > 0.85 ? 2 : fullFraction > 0.6 ? 1 : 0);

/**
 * Each wire's queue fill level in the run the canvas shows. Kept per wire, so that a tick wakes only the wires
 * whose level changed (the colour is drawn at every zoom, on all 600 wires of a large graph).
 */
export const edgeLevels = new KeyedStore(-1);
let levelsRun: string | undefined;

function updateLevels(tick: MetricsTick | undefined): void {
  const viewRunId = documentStore.get().viewRunId;
  if (levelsRun !== viewRunId) {
    levelsRun = viewRunId;
    edgeLevels.replace(new Map());
  }
  if (!tick || viewRunId === undefined || tick.runId !== viewRunId) return;
  for (const id in tick.edges) edgeLevels.set(id, fillLevel(tick.edges[id]!.fullFraction));
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
  // The canvas shows another run, or none: the wires' levels are those of that run's latest tick.
  documentStore.subscribe(() => {
    if (documentStore.get().viewRunId !== levelsRun) updateLevels(metricsStore.get().latest);
  });
  a.on('runState', (status) => runStore.set((s) => ({ ...s, status })));
  a.on('nodeError', (e) =>
    runStore.set((s) => ({
      ...s,
      errors: [...s.errors.filter((x) => x.nodeId !== e.nodeId || x.runId !== e.runId), e].slice(-50),
    })),
  );
  attachValidation(a, { choice: currentChoice, issues: currentChoiceIssues });
  followEnvironments(a);
  const types = await a.listNodeTypes();
  documentStore.set((s) => ({ ...s, nodeTypes: new Map(types.map((t) => [t.type, t])) }));
  const opened = await a.openDemo();
  if (opened.document) loadDocument(opened.document, opened.path, opened.validation.issues, true);
  // The demo may already be running (`--run-demo`): show that run on it.
  const status = await a.status();
  if (status.runId && status.phase !== 'idle' && status.pipelineName === opened.document?.name)
    documentStore.set((s) => ({ ...s, viewRunId: status.runId }));
}

export async function runPipeline(target?: RunTarget): Promise<void> {
  const doc = documentStore.get().doc;
  runStore.set((s) => ({ ...s, errors: [], lastActionError: undefined }));
  try {
    const status = await studioApi().run(doc, target ?? { kind: 'in-process' }, currentChoice());
    documentStore.set((s) => ({ ...s, viewRunId: status.runId }));
  } catch (err) {
    // A refusal lists every node that keeps the pipeline from compiling (for Flink), with the field and why.
    const issues = (err as { issues?: { nodeId?: string; pointer: string; message: string }[] }).issues ?? [];
    const said = issues.map(
      (i) =>
        `node “${i.nodeId ?? '?'}”${/\/config\/(\w+)/.exec(i.pointer) ? ` field ${/\/config\/(\w+)/.exec(i.pointer)![1]}` : ''}: ${i.message}`,
    );
    runStore.set((s) => ({ ...s, lastActionError: [(err as Error).message, ...said].join(' · ') }));
  }
}

export async function stopPipeline(options: { savepoint?: boolean } = {}): Promise<void> {
  try {
    await studioApi().stop(options);
  } catch (err) {
    runStore.set((s) => ({ ...s, lastActionError: (err as Error).message }));
  }
}
