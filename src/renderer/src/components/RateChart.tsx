import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { memo, useMemo } from 'react';
import { ChartLegend, secondsLabel, secondsTick, TOOLTIP_STYLE, X_DOMAIN } from './chart';
import { useInTurn } from '../state/stagger';
import { documentStore, metricsStore, type MetricsState, type RatePoint } from '../state/studio';
import { useSelect, useThrottled } from '../state/store';
import { selectionStore, viewMovingStore } from '../state/ui';
import { compact, logTicks, SERIES_COLOURS, tick } from './format';

const MAX_LINES = 12;
const MARGIN = { top: 4, right: 12, bottom: 0, left: 0 };
const rateOf = (v: unknown) => compact(Number(v));
/** Points per line: one every second over the minute kept. */
const CHART_POINTS = 60;
const NO_POINTS: RatePoint[] = [];

/** How often the chart is redrawn: once a second (a point per second), not on every 4 Hz tick. */
const REDRAW_MS = 1000;

/**
 * Records per second for every node over the last minute; no animation, bounded history. The chart is redrawn
 * once a second, in a task of its own (as the dashboard's charts are), and not while the canvas is being panned or zoomed (it
 * catches up when the gesture ends): a recharts redraw is tens of milliseconds, most of it synchronous, and it
 * would take frames from the gesture.
 */
export function RateChart() {
  const metrics = useInTurn(useThrottled(metricsStore, REDRAW_MS, viewMovingStore));
  return <RateChartView metrics={metrics} />;
}

const RateChartView = memo(function RateChartView({ metrics }: { metrics: MetricsState }) {
  const { history: all, latest } = metrics;
  const viewRunId = useSelect(documentStore, (s) => s.viewRunId);
  const doc = useSelect(documentStore, (s) => s.doc);
  const selected = useSelect(selectionStore, (s) => s.nodes);
  // One line per node, up to a dozen: the selected nodes when there are several, else the first ones.
  const idsKey = (selected.size > 1 ? doc.nodes.filter((n) => selected.has(n.id)) : doc.nodes)
    .slice(0, MAX_LINES)
    .map((n) => n.id)
    .join('\n');
  const ids = useMemo(() => (idsKey ? idsKey.split('\n') : []), [idsKey]);
  const series = useMemo(
    () => ids.map((id, i) => ({ name: id, colour: SERIES_COLOURS[i % SERIES_COLOURS.length]! })),
    [ids],
  );
  const history = viewRunId !== undefined && latest?.runId === viewRunId ? all.points(ids, CHART_POINTS) : NO_POINTS;
  // A log-like axis, ticked at the powers of ten up to the largest rate (see the dashboard's).
  let peak = 1;
  for (const p of history)
    for (const [k, v] of Object.entries(p)) if (k !== 't' && typeof v === 'number' && v > peak) peak = v;
  const top = 10 ** Math.ceil(Math.log10(peak));
  // The same elements from one redraw to the next: React leaves them be, recharts redraws what the data changes.
  const parts = useMemo(
    () => (
      <>
        <CartesianGrid stroke="#263040" strokeDasharray="3 3" />
        <XAxis
          dataKey="t"
          type="number"
          allowDecimals={false}
          domain={X_DOMAIN}
          tickFormatter={secondsTick}
          stroke="#7d8da1"
          fontSize={11}
        />
        <YAxis scale="symlog" ticks={logTicks(top)} tickFormatter={tick} stroke="#7d8da1" fontSize={11} width={44} />
        <Tooltip contentStyle={TOOLTIP_STYLE} formatter={rateOf} labelFormatter={secondsLabel} />
        {series.map((s) => (
          <Line
            key={s.name}
            dataKey={s.name}
            name={s.name}
            stroke={s.colour}
            dot={false}
            strokeWidth={1.5}
            isAnimationActive={false}
          />
        ))}
      </>
    ),
    [series, top],
  );
  return (
    <section className="panel chart" aria-label="records per second chart">
      <h2>
        Records/s per node (log scale)
        {doc.nodes.length > ids.length ? ` (${ids.length} of ${doc.nodes.length}; select nodes to choose)` : ''}
      </h2>
      <div className="chart-box">
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={history} margin={MARGIN}>
            {parts}
          </LineChart>
        </ResponsiveContainer>
      </div>
      <ChartLegend series={series} />
    </section>
  );
});
