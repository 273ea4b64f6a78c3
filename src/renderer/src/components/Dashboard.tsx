import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import type { RunSummary } from '../../../shared/history';
import type { MetricsTick } from '../../../shared/metrics';
import { liveDashboardStore, ringFromTicks, toCsv, type SeriesRing } from '../state/dashboard';
import { downloadText } from '../state/files';
import { useSelect, useStore } from '../state/store';
import { documentStore, runStore, studioApi } from '../state/studio';
import { useInTurn, useSizeInTurn } from '../state/stagger';
import { dashboardStore, selectionStore } from '../state/ui';
import { ChartLegend, secondsLabel, secondsTick, TOOLTIP_STYLE, X_DOMAIN, type LegendEntry } from './chart';
import { compact, logTicks, SERIES_COLOURS, tick } from './format';

const RANGES = [
  { label: '1 min', seconds: 60 },
  { label: '5 min', seconds: 300 },
  { label: '15 min', seconds: 900 },
] as const;
const MAX_LINES = 12;
const NO_SERIES: Series[] = [];
const CHECKPOINT_MS: Series[] = [{ key: 'checkpointMs:job', name: 'last completed', colour: SERIES_COLOURS[0]! }];
const CHECKPOINT_KIB: Series[] = [{ key: 'checkpointKiB:job', name: 'last completed', colour: SERIES_COLOURS[1]! }];

interface Series extends LegendEntry {
  key: string;
}

interface ChartSpec {
  title: string;
  unit: string;
  series: Series[];
  compare?: { ring: SeriesRing; series: Series[] };
  log?: boolean;
  max?: number;
  refs?: typeof FILL_MARKS;
  always?: boolean;
}

// Props that stay the same from one redraw to the next (a new object each time makes recharts update its store).
const MARGIN = { top: 6, right: 14, bottom: 0, left: 0 };
const mark = (y: number, label: string, colour: string) => ({
  y,
  label,
  colour,
  text: { value: label, fill: colour, fontSize: 10, position: 'insideTopRight' as const },
});
const FILL_MARKS = [mark(60, '60 %', '#f5a524'), mark(85, '85 %', '#f31260')];
const DROP_MARKS = [mark(1, 'warn 1 %', '#f5a524'), mark(5, 'error 5 %', '#f31260')];

const fileName = (title: string, ext: string) =>
  `${title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')}.${ext}`;

/** Draw the chart's SVG onto a canvas (with the panel's background) and offer it as a PNG. */
function downloadPng(card: HTMLElement | null, title: string): void {
  const svg = card?.querySelector('.recharts-wrapper > svg.recharts-surface');
  if (!svg) return;
  const { width, height } = svg.getBoundingClientRect();
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  const img = new Image();
  img.onload = () => {
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(width * 2);
    canvas.height = Math.ceil(height * 2);
    const g = canvas.getContext('2d')!;
    g.scale(2, 2);
    g.fillStyle = '#161c24';
    g.fillRect(0, 0, width, height);
    g.drawImage(img, 0, 0, width, height);
    canvas.toBlob((blob) => {
      if (!blob) return;
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = fileName(title, 'png');
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 1000);
    }, 'image/png');
  };
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(new XMLSerializer().serializeToString(clone))}`;
}

/** Merge the points of a compared run into the main run's, by second. */
function mergePoints(a: Record<string, number>[], b: Record<string, number>[]): Record<string, number>[] {
  const byT = new Map<number, Record<string, number>>();
  for (const p of [...a, ...b]) {
    const t = Math.round(p.t ?? 0);
    byT.set(t, { ...byT.get(t), ...p, t });
  }
  return [...byT.entries()].sort((x, y) => x[0] - y[0]).map(([, p]) => p);
}

const DashChart = memo(function DashChart({
  title,
  unit,
  ring,
  version: latest,
  series,
  seconds,
  refs,
  compare,
  log,
  max,
  onVisible,
}: {
  title: string;
  unit: string;
  ring: SeriesRing;
  version: number;
  series: Series[];
  seconds: number;
  refs?: ReturnType<typeof mark>[];
  compare?: { ring: SeriesRing; series: Series[] };
  log?: boolean;
  max?: number;
  onVisible?: (title: string, visible: boolean) => void;
}) {
  const card = useRef<HTMLElement>(null);
  // Say when the chart scrolls in or out of view: one out of view is not redrawn (its version stands still).
  useEffect(() => {
    const el = card.current;
    if (!el || !onVisible) return;
    const io = new IntersectionObserver(([e]) => onVisible(title, e!.isIntersecting));
    io.observe(el);
    return () => io.disconnect();
  }, [title, onVisible]);
  // The charts are drawn one at a time, each in a task of its own, in between what the user does (a recharts
  // redraw of a dozen lines is tens of milliseconds; seven at once was one long task) — the first time too.
  const version = useInTurn(latest, -1);
  const points = useMemo(() => {
    if (version < 0) return [];
    const a = ring.points(series, seconds);
    return compare ? mergePoints(a, compare.ring.points(compare.series, seconds)) : a;
  }, [ring, version, series, seconds, compare]);
  // A log-like axis is ticked at the powers of ten up to the largest value (a power of ten itself, so the ticks
  // change only when the values cross one).
  const top = useMemo(() => {
    if (!log) return 0;
    let m = 0;
    for (const p of points)
      for (const [k, v] of Object.entries(p)) if (k !== 't' && typeof v === 'number' && v > m) m = v;
    return 10 ** Math.ceil(Math.log10(Math.max(m, 1)));
  }, [points, log]);
  // Sized by hand rather than by recharts' ResponsiveContainer, whose resize observers redraw every chart in one task.
  const box = useRef<HTMLDivElement>(null);
  const size = useSizeInTurn(box);
  const all = useMemo(() => (compare ? [...series, ...compare.series] : series), [series, compare]);
  // The lines join the chart in a turn of their own: a chart's first draw with a dozen lines was one long task.
  const lines = useInTurn(size ? all : NO_SERIES, NO_SERIES);
  // The chart's parts are the same elements from one point to the next, so that React leaves them be and recharts
  // redraws only what the new data changes (new elements re-run every part's effects and their store updates).
  const parts = useMemo(() => {
    const valueOf = (v: unknown) =>
      `${Number(v).toLocaleString('en-US', Math.abs(Number(v)) >= 1 ? { maximumFractionDigits: 1 } : { maximumSignificantDigits: 3 })} ${unit}`;
    return (
      <>
        <CartesianGrid stroke="#263040" strokeDasharray="3 3" />
        <XAxis dataKey="t" type="number" domain={X_DOMAIN} tickFormatter={secondsTick} stroke="#7d8da1" fontSize={11} />
        <YAxis
          scale={log ? 'symlog' : 'auto'}
          domain={max === undefined ? undefined : [0, max]}
          ticks={log ? logTicks(top) : undefined}
          tickFormatter={tick}
          stroke="#7d8da1"
          fontSize={11}
          width={46}
        />
        <Tooltip contentStyle={TOOLTIP_STYLE} formatter={valueOf} labelFormatter={secondsLabel} />
        {refs?.map((r) => (
          <ReferenceLine
            key={r.label}
            y={r.y}
            ifOverflow="extendDomain"
            stroke={r.colour}
            strokeDasharray="4 4"
            label={r.text}
          />
        ))}
        {lines.map((s) => (
          <Line
            key={s.name}
            dataKey={s.name}
            name={s.name}
            stroke={s.colour}
            strokeDasharray={s.dashed ? '5 3' : undefined}
            dot={false}
            strokeWidth={1.5}
            isAnimationActive={false}
            connectNulls
          />
        ))}
      </>
    );
  }, [lines, unit, log, max, refs, top]);
  const names = all.map((s) => s.name);
  return (
    <section className="dash-card" aria-label={title} ref={card}>
      <header>
        <h3>
          {title}{' '}
          <span className="muted">
            ({unit}
            {log ? ', log scale' : ''})
          </span>
        </h3>
        <div className="spacer" />
        <button
          type="button"
          onClick={() => downloadText(fileName(title, 'csv'), toCsv(points, names), 'text/csv')}
          aria-label={`${title}: export CSV`}
        >
          CSV
        </button>
        <button type="button" onClick={() => downloadPng(card.current, title)} aria-label={`${title}: export PNG`}>
          PNG
        </button>
      </header>
      <div className="dash-chart" ref={box}>
        {version >= 0 && size && (
          <LineChart width={size.width} height={size.height} data={points} margin={MARGIN}>
            {parts}
          </LineChart>
        )}
      </div>
      <ChartLegend series={all} />
    </section>
  );
});

/** A kept run, read back: its ring and summary. */
function useKeptRun(
  runId: string | undefined,
  sources: Set<string>,
): { run?: RunSummary; ring?: SeriesRing; error?: string } {
  const [got, setGot] = useState<{ runId?: string; run?: RunSummary; ring?: SeriesRing; error?: string }>({});
  useEffect(() => {
    if (!runId) return;
    let current = true;
    studioApi()
      .runMetrics(runId)
      .then(
        (r: { run: RunSummary; ticks: MetricsTick[] }) =>
          current && setGot({ runId, run: r.run, ring: ringFromTicks(r.ticks, sources) }),
        (err: Error) => current && setGot({ runId, error: err.message }),
      );
    return () => {
      current = false;
    };
  }, [runId, sources]);
  return runId && got.runId === runId ? got : {};
}

const when = (ms: number) => new Date(ms).toLocaleString('en-GB', { hour12: false });
const duration = (ms: number) =>
  ms >= 60_000 ? `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s` : `${Math.round(ms / 1000)} s`;

/** Averages of a run per node: records/s over the run and the worst p99. */
function averages(ring: SeriesRing, ids: string[]): Map<string, { rate: number; p99: number }> {
  const out = new Map<string, { rate: number; p99: number }>();
  const pts = ring.points(
    ids.flatMap((id) => [
      { key: `rate:${id}`, name: `r${id}` },
      { key: `p99:${id}`, name: `p${id}` },
    ]),
    Infinity,
    100_000,
  );
  for (const id of ids) {
    const rates = pts.map((p) => p[`r${id}`]).filter((v): v is number => v !== undefined);
    const p99 = Math.max(0, ...pts.map((p) => p[`p${id}`] ?? 0));
    out.set(id, { rate: rates.length ? rates.reduce((a, b) => a + b, 0) / rates.length : 0, p99 });
  }
  return out;
}

/**
 * The dashboard: throughput, processing time, queue fill, Kafka lag and video figures over 1, 5 or 15 minutes of
 * the live run — or of a kept run, compared with another — each chart exportable as CSV and PNG.
 */
export function Dashboard() {
  const open = useStore(dashboardStore);
  if (!open) return null;
  return <DashboardView />;
}

function DashboardView() {
  const live = useStore(liveDashboardStore);
  const doc = useSelect(documentStore, (s) => s.doc);
  const nodeTypes = useSelect(documentStore, (s) => s.nodeTypes);
  const selected = useSelect(selectionStore, (s) => s.nodes);
  const phase = useSelect(runStore, (s) => s.status.phase);
  const [seconds, setSeconds] = useState<number>(60);
  const [frozen, setFrozen] = useState<number>();
  const [runs, setRuns] = useState<RunSummary[]>([]);
  const [shown, setShown] = useState<string>('live');
  const [compareId, setCompareId] = useState<string>('');
  const sources = useMemo(
    () => new Set(doc.nodes.filter((n) => nodeTypes.get(n.type)?.inputs.length === 0).map((n) => n.id)),
    [doc, nodeTypes],
  );
  useEffect(() => {
    let current = true;
    void studioApi()
      .runHistory()
      .then((r) => current && setRuns(r));
    return () => {
      current = false;
    };
  }, [phase]);
  const kept = useKeptRun(shown === 'live' ? undefined : shown, sources);
  const other = useKeptRun(compareId || undefined, sources);
  const ring = shown === 'live' ? live.ring : kept.ring;
  const version = shown === 'live' ? (frozen ?? live.version) : 1;
  const seriesCount = ring?.seriesCount ?? 0;
  // Charts scrolled out of view keep the version they were last drawn at.
  const [outOfView, setOutOfView] = useState<Record<string, number>>({});
  const onVisible = useCallback((title: string, visible: boolean) => {
    setOutOfView((o) => {
      if (visible === !(title in o)) return o;
      const next = { ...o };
      if (visible) delete next[title];
      else next[title] = liveDashboardStore.get().version;
      return next;
    });
  }, []);
  const at = (title: string) => (shown === 'live' ? Math.min(outOfView[title] ?? version, version) : version);
  const span = shown === 'live' ? seconds : Infinity;

  const idsKey = (selected.size > 0 ? doc.nodes.filter((n) => selected.has(n.id)) : doc.nodes)
    .slice(0, MAX_LINES)
    .map((n) => n.id)
    .join('\n');
  const ids = useMemo(() => (idsKey ? idsKey.split('\n') : []), [idsKey]);
  const colour = (i: number) => SERIES_COLOURS[i % SERIES_COLOURS.length]!;
  const s = useMemo(() => {
    const present = (k: string) => ring?.has(k) ?? false;
    const nodes = (kind: string, list = ids) => list.filter((id) => present(`${kind}:${id}`));
    return {
      rate: ids.map((id, i) => ({ key: `rate:${id}`, name: id, colour: colour(i) })),
      latency: ids.slice(0, 6).flatMap((id, i) => [
        { key: `p50:${id}`, name: `${id} p50`, colour: colour(i) },
        { key: `p99:${id}`, name: `${id} p99`, colour: colour(i), dashed: true },
      ]),
      fill: doc.edges
        .filter((e) => present(`fill:${e.id}`))
        .slice(0, MAX_LINES)
        .map((e, i) => ({ key: `fill:${e.id}`, name: `${e.id} ${e.from.node}→${e.to.node}`, colour: colour(i) })),
      behind: nodes(
        'behind',
        doc.nodes.map((n) => n.id),
      ).map((id, i) => ({ key: `behind:${id}`, name: id, colour: colour(i) })),
      fps: nodes(
        'fps',
        doc.nodes.map((n) => n.id),
      ).map((id, i) => ({ key: `fps:${id}`, name: id, colour: colour(i) })),
      kbps: nodes(
        'kbps',
        doc.nodes.map((n) => n.id),
      ).map((id, i) => ({ key: `kbps:${id}`, name: id, colour: colour(i) })),
      drop: nodes(
        'dropPct',
        doc.nodes.map((n) => n.id),
      ).map((id, i) => ({ key: `dropPct:${id}`, name: id, colour: colour(i) })),
      checkpointMs: present('checkpointMs:job') ? CHECKPOINT_MS : NO_SERIES,
      checkpointKiB: present('checkpointKiB:job') ? CHECKPOINT_KIB : NO_SERIES,
    };
    // (`seriesCount`: series appear as the run goes, e.g. a Kafka source's lag after its first read.)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ring, seriesCount, ids, doc]);
  const compare = useMemo(
    () =>
      other.ring
        ? { ring: other.ring, series: s.rate.map((x) => ({ ...x, name: `${x.name} (compared)`, dashed: true })) }
        : undefined,
    [other.ring, s.rate],
  );
  const table = useMemo(
    () => (kept.ring && other.ring ? { a: averages(kept.ring, ids), b: averages(other.ring, ids) } : undefined),
    [kept.ring, other.ring, ids],
  );

  // The charts shown: the first three always, the others once their figures appear (a Kafka source, video, Flink).
  const charts: ChartSpec[] = [
    { title: 'Throughput', unit: 'records/s', series: s.rate, compare, log: true, always: true },
    { title: 'Processing time', unit: 'ms per record', series: s.latency, always: true },
    { title: 'Queue fill', unit: '%', series: s.fill, max: 100, refs: FILL_MARKS, always: true },
    { title: 'Kafka consumer lag', unit: 's behind live', series: s.behind },
    { title: 'Video frame rate', unit: 'fps', series: s.fps },
    { title: 'Video bitrate', unit: 'kb/s', series: s.kbps },
    { title: 'Dropped frames', unit: '%', series: s.drop, refs: DROP_MARKS },
    { title: 'Flink checkpoint duration', unit: 'ms', series: s.checkpointMs },
    { title: 'Flink checkpoint size', unit: 'KiB of state', series: s.checkpointKiB },
  ].filter((c) => c.always || c.series.length > 0);

  // (Made when the list changes, not with every new point: dates in words are slow to format.)
  const runOptions = useMemo(
    () =>
      runs.map((r) => (
        <option key={r.runId} value={r.runId}>
          {`${r.pipeline} · ${when(r.startedAt)} · ${duration(r.durationMs)} · ${r.phase === 'idle' ? (r.message ?? 'ended') : r.phase}`}
        </option>
      )),
    [runs],
  );
  return (
    <section className="dashboard" aria-label="Dashboard">
      <header className="row">
        <h2>Dashboard</h2>
        <label>
          run{' '}
          <select value={shown} onChange={(e) => setShown(e.target.value)} aria-label="run shown">
            <option value="live">this run (live)</option>
            {runOptions}
          </select>
        </label>
        {shown !== 'live' && (
          <label>
            compare with{' '}
            <select value={compareId} onChange={(e) => setCompareId(e.target.value)} aria-label="run compared">
              <option value="">—</option>
              {runOptions.filter((o) => o.key !== shown)}
            </select>
          </label>
        )}
        {shown === 'live' && (
          <div className="segmented" role="group" aria-label="time range">
            {RANGES.map((r) => (
              <button
                key={r.seconds}
                type="button"
                aria-pressed={seconds === r.seconds}
                onClick={() => setSeconds(r.seconds)}
              >
                {r.label}
              </button>
            ))}
          </div>
        )}
        {shown === 'live' && (
          <button
            type="button"
            aria-pressed={frozen !== undefined}
            onClick={() => setFrozen(frozen === undefined ? live.version : undefined)}
          >
            {frozen === undefined ? 'Pause' : 'Resume'}
          </button>
        )}
        <div className="spacer" />
      </header>
      {kept.error && <p className="error">{kept.error}</p>}
      {shown === 'live' && !live.runId && (
        <p className="hint">Run the pipeline to see its figures here, or pick a kept run.</p>
      )}
      {selected.size === 0 && doc.nodes.length > MAX_LINES && (
        <p className="hint">Showing the first {MAX_LINES} nodes: select nodes on the canvas to choose.</p>
      )}
      {ring && ring.length > 0 && (
        <div className="dash-grid">
          {charts.map((c) => (
            <DashChart
              key={c.title}
              title={c.title}
              unit={c.unit}
              ring={ring}
              version={at(c.title)}
              onVisible={onVisible}
              series={c.series}
              seconds={span}
              compare={c.compare}
              log={c.log}
              max={c.max}
              refs={c.refs}
            />
          ))}
        </div>
      )}
      {table && (
        <table className="dash-compare" aria-label="runs compared">
          <thead>
            <tr>
              <th>node</th>
              <th>records/s</th>
              <th>compared</th>
              <th>ratio</th>
              <th>worst p99 ms</th>
              <th>compared</th>
            </tr>
          </thead>
          <tbody>
            {ids.map((id) => {
              const a = table.a.get(id)!;
              const b = table.b.get(id)!;
              return (
                <tr key={id}>
                  <td>{id}</td>
                  <td className="num">{compact(a.rate)}</td>
                  <td className="num">{compact(b.rate)}</td>
                  <td className="num">{b.rate ? `${(a.rate / b.rate).toFixed(2)}×` : '—'}</td>
                  <td className="num">{a.p99.toFixed(3)}</td>
                  <td className="num">{b.p99.toFixed(3)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
