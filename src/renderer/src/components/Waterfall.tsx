import { useState } from 'react';
import { usePoll } from './useLoad';
import type { PipelineDocument } from '../../../shared/document';
import type { LatencyTrace } from '../../../shared/metrics';
import { useSelect, useStore } from '../state/store';
import { documentStore, metricsStore, runStore, studioApi } from '../state/studio';
import { watermarkSummary } from './EventTime';
import { waterfallStore } from '../state/ui';

const ms = (v: number) => {
  const a = Math.abs(v);
  return a >= 100 ? `${Math.round(v)} ms` : a >= 1 ? `${v.toFixed(1)} ms` : `${(v * 1000).toFixed(0)} µs`;
};

interface Row {
  node: string;
  /** Waiting on the wire: from when the node before it sent the batch on to when this one took it. */
  wait?: [number, number];
  /** Processing: taken in → finished with. */
  work?: [number, number];
  /** Held (a window, until its watermark passed): finished with → results sent on. */
  held?: [number, number];
  sentMs?: number;
}

/** The stages of a trace as rows, each with the wire wait before it (from the upstream node that sent it on last before). */
export function waterfallRows(trace: LatencyTrace, doc: PipelineDocument): Row[] {
  const at = new Map(trace.stages.map((s) => [s.node, s]));
  return trace.stages.map((s) => {
    const row: Row = { node: s.node, sentMs: s.outMs };
    if (s.inMs !== undefined) {
      const ups = doc.edges
        .filter((e) => e.to.node === s.node)
        .map((e) => at.get(e.from.node)?.outMs)
        .filter((v): v is number => v !== undefined && v <= s.inMs! + 1e-6);
      if (ups.length) row.wait = [Math.max(...ups), s.inMs];
      if (s.doneMs !== undefined) row.work = [s.inMs, s.doneMs];
      if (s.doneMs !== undefined && s.outMs !== undefined && s.outMs - s.doneMs > 1) row.held = [s.doneMs, s.outMs];
    }
    return row;
  });
}

function Bar({
  span,
  from,
  to,
  kind,
  label,
}: {
  span: [number, number];
  from: number;
  to: number;
  kind: string;
  label: string;
}) {
  const width = to - from || 1;
  const left = ((span[0] - from) / width) * 100;
  const w = ((span[1] - span[0]) / width) * 100;
  return (
    <span
      className={`wf-bar wf-${kind}`}
      style={{ left: `${left}%`, width: `max(2px, ${w}%)` }}
      title={`${label}: ${ms(span[1] - span[0])}`}
    />
  );
}

/**
 * The latency waterfall: a source batch followed through the pipeline — for every node it reached, the wait on the
 * wire, the processing, the time a window held it — from its event time to the acknowledgement of all that came of it.
 */
export function Waterfall() {
  const open = useStore(waterfallStore);
  return open ? <WaterfallView /> : null;
}

function WaterfallView() {
  const doc = useSelect(documentStore, (s) => s.doc);
  const phase = useSelect(runStore, (s) => s.status.phase);
  const [picked, setPicked] = useState<number>();
  // Read again every 2 s while the pipeline runs; once (the last run's) otherwise.
  const { value: traces = [], error } = usePoll<LatencyTrace[]>(
    () => studioApi().latencyTraces(),
    phase === 'running' ? 2000 : undefined,
  );
  // By default the newest trace that was acknowledged and went furthest.
  const complete = traces.filter((t) => t.ackMs !== undefined);
  const widest = Math.max(0, ...complete.map((t) => t.stages.length));
  const fallback = [...complete].reverse().find((t) => t.stages.length === widest) ?? traces.at(-1);
  const trace = traces.find((t) => t.id === picked) ?? fallback;
  const rows = trace ? waterfallRows(trace, doc) : [];
  const from = trace ? -(trace.eventAgeMs ?? 0) : 0;
  const to = trace
    ? Math.max(trace.ackMs ?? 0, ...trace.stages.flatMap((s) => [s.inMs ?? 0, s.doneMs ?? 0, s.outMs ?? 0]))
    : 1;
  return (
    <section className="waterfall" aria-label="Latency waterfall">
      <header className="row">
        <h2>Latency waterfall</h2>
        <label>
          batch{' '}
          <select
            value={trace?.id ?? ''}
            onChange={(e) => setPicked(Number(e.target.value))}
            aria-label="batch followed"
          >
            {[...traces].reverse().map((t) => (
              <option key={t.id} value={t.id}>
                #{t.id} from {t.source} at {new Date(t.startedAt).toLocaleTimeString('en-GB', { hour12: false })}
                {t.captured ? ` · video frame at ${t.captured.frameTime.toFixed(3)} s` : ''} · {t.stages.length} nodes ·{' '}
                {t.ackMs === undefined ? 'not yet acknowledged' : `acknowledged after ${ms(t.ackMs)}`}
              </option>
            ))}
          </select>
        </label>
        <div className="spacer" />
      </header>
      {error && <p className="error">{error}</p>}
      {!trace && (
        <p className="hint">Run the pipeline: one batch a second is followed from its source to its acknowledgement.</p>
      )}
      {trace && (
        <>
          <p className="hint">
            One batch from <strong>{trace.source}</strong>, followed through every node it reached. Times from when the
            source sent it; bars to scale. <span className="wf-key wf-wait">wire</span>{' '}
            <span className="wf-key wf-work">processing</span> <span className="wf-key wf-held">held by a window</span>{' '}
            <span className="wf-key wf-event">
              {trace.captured ? 'capture and encoding (one ffmpeg process)' : 'event time to the source'}
            </span>
          </p>
          <table className="wf-table" aria-label="waterfall">
            <thead>
              <tr>
                <th>stage</th>
                <th>wire</th>
                <th>processing</th>
                <th>held</th>
                <th>at</th>
                <th className="wf-track-head" />
              </tr>
            </thead>
            <tbody>
              {trace.eventAgeMs !== undefined && (
                <tr aria-label={trace.captured ? 'stage capture' : 'stage event time'}>
                  <td>
                    {trace.captured ? (
                      <span title="one ffmpeg process: its frames are not seen between these nodes">
                        captured by {trace.captured.by[0]} → encoded by {trace.captured.by[1]} → {trace.source}
                      </span>
                    ) : (
                      <>event time → {trace.source}</>
                    )}
                  </td>
                  <td className="num" />
                  <td className="num">{ms(trace.eventAgeMs)}</td>
                  <td className="num" />
                  <td className="num">{ms(-trace.eventAgeMs)}</td>
                  <td className="wf-track">
                    <Bar
                      span={[-trace.eventAgeMs, 0]}
                      from={from}
                      to={to}
                      kind="event"
                      label={trace.captured ? 'from capture to the fragment out of ffmpeg' : 'event time to the source'}
                    />
                  </td>
                </tr>
              )}
              {rows.map((r) => (
                <tr key={r.node} aria-label={`stage ${r.node}`}>
                  <td>{r.node}</td>
                  <td className="num">{r.wait ? ms(r.wait[1] - r.wait[0]) : ''}</td>
                  <td className="num">
                    {r.work ? ms(r.work[1] - r.work[0]) : r.node === trace.source ? 'source' : ''}
                  </td>
                  <td className="num">{r.held ? ms(r.held[1] - r.held[0]) : ''}</td>
                  <td className="num">{ms(r.work?.[0] ?? r.sentMs ?? 0)}</td>
                  <td className="wf-track">
                    {r.wait && <Bar span={r.wait} from={from} to={to} kind="wait" label="on the wire" />}
                    {r.work && <Bar span={r.work} from={from} to={to} kind="work" label="processing" />}
                    {r.held && <Bar span={r.held} from={from} to={to} kind="held" label="held by the window" />}
                  </td>
                </tr>
              ))}
              <tr aria-label="stage acknowledged">
                <td>acknowledged</td>
                <td className="num" />
                <td className="num" />
                <td className="num" />
                <td className="num">{trace.ackMs === undefined ? 'not yet' : ms(trace.ackMs)}</td>
                <td className="wf-track">
                  {trace.ackMs !== undefined && (
                    <Bar span={[trace.ackMs, trace.ackMs]} from={from} to={to} kind="ack" label="acknowledged" />
                  )}
                </td>
              </tr>
            </tbody>
          </table>
          <WatermarkNotes nodes={rows.map((r) => r.node)} />
        </>
      )}
    </section>
  );
}

/** Why a window held the batch: where its watermark stands now, behind the newest event. */
function WatermarkNotes({ nodes }: { nodes: string[] }) {
  const notes = useSelect(metricsStore, (m) =>
    nodes
      .map((n) => [n, m.latest?.nodes[n]?.eventTime] as const)
      .filter(([, e]) => e && !e.partitions)
      .map(([n, e]) => `${n}\u0000${watermarkSummary(e!)}`)
      .join('\n'),
  );
  if (!notes) return null;
  return (
    <ul className="wf-watermarks" aria-label="watermarks">
      {notes.split('\n').map((line) => {
        const [node, text] = line.split('\u0000') as [string, string];
        return (
          <li key={node} data-testid={`wf-watermark-${node}`}>
            <strong>{node}</strong>: {text}. A window holds a batch until its watermark passes the end of the batch’s
            windows.
          </li>
        );
      })}
    </ul>
  );
}
