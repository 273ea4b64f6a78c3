import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { memo, useDeferredValue } from 'react';
import { documentStore, metricsStore, type MetricsState, type RatePoint } from '../state/studio';
import { useSelect, useThrottled } from '../state/store';
import { selectionStore, viewMovingStore } from '../state/ui';
import { compact, SERIES_COLOURS } from './format';

const MAX_LINES = 12;
/** Points per line: one every second over the minute kept. */
const CHART_POINTS = 60;
const NO_POINTS: RatePoint[] = [];

/** How often the chart is redrawn: once a second (a point per second), not on every 4 Hz tick. */
const REDRAW_MS = 1000;

/**
 * Records per second for every node over the last minute; no animation, bounded history. The chart is redrawn
 * once a second, from a deferred copy of the metrics, and not while the canvas is being panned or zoomed (it
 * catches up when the gesture ends): a recharts redraw is tens of milliseconds, most of it synchronous, and it
 * would take frames from the gesture.
 */
export function RateChart() {
  const metrics = useDeferredValue(useThrottled(metricsStore, REDRAW_MS, viewMovingStore));
  return <RateChartView metrics={metrics} />;
}

const RateChartView = memo(function RateChartView({ metrics }: { metrics: MetricsState }) {
  const { history: all, latest } = metrics;
  const viewRunId = useSelect(documentStore, (s) => s.viewRunId);
  const doc = useSelect(documentStore, (s) => s.doc);
  const selected = useSelect(selectionStore, (s) => s.nodes);
  // One line per node, up to a dozen: the selected nodes when there are several, else the first ones.
  const ids = (selected.size > 1 ? doc.nodes.filter((n) => selected.has(n.id)) : doc.nodes).slice(0, MAX_LINES).map((n) => n.id);
  const history = viewRunId !== undefined && latest?.runId === viewRunId ? all.points(ids, CHART_POINTS) : NO_POINTS;
  return (
    <section className="panel chart" aria-label="records per second chart">
      <h2>Records/s per node{doc.nodes.length > ids.length ? ` (${ids.length} of ${doc.nodes.length}; select nodes to choose)` : ''}</h2>
      <div className="chart-box">
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={history} margin={{ top: 4, right: 12, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="#263040" strokeDasharray="3 3" />
            <XAxis dataKey="t" type="number" allowDecimals={false} domain={["dataMin", "dataMax"]} tickFormatter={(v: number) => `${v.toFixed(0)}s`} stroke="#7d8da1" fontSize={11} />
            <YAxis scale="symlog" tickFormatter={(v: number) => compact(v)} stroke="#7d8da1" fontSize={11} width={44} />
            <Tooltip
              contentStyle={{ background: '#1a212b', border: '1px solid #2c3644', fontSize: 12 }}
              formatter={(v) => compact(Number(v))}
              labelFormatter={(v) => `${String(v)} s`}
            />
            <Legend wrapperStyle={{ fontSize: 11 }} />
            {ids.map((id, i) => (
              <Line key={id} dataKey={id} name={id} stroke={SERIES_COLOURS[i % SERIES_COLOURS.length]} dot={false} strokeWidth={1.5} isAnimationActive={false} />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </section>
  );
});
