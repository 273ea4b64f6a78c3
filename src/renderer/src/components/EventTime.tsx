/**
 * Event time in the inspector: a window's watermark (how far it trails the newest event, what holds it back, which
 * partitions are idle) and what its scope means for its results; a Kafka source's partitions with their lag, their
 * event-time clock and whether they are idle.
 */
import type { EventTimeMetrics } from '../../../shared/metrics';
import type { PipelineNode } from '../../../shared/document';
import { metricsStore } from '../state/studio';
import { useSelect } from '../state/store';

/** An event time as a clock reading, to the millisecond. */
export const clock = (t: number | undefined): string =>
  t === undefined
    ? '—'
    : new Date(t).toLocaleTimeString('en-GB', { hour12: false }) + `.${String(t % 1000).padStart(3, '0')}`;

/** A duration in ms, short: 620 ms, 4.3 s. */
export const span = (ms: number): string =>
  ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

/** The node's event-time figures from the latest tick (as JSON, so the component re-renders only on change). */
function useEventTime(nodeId: string): EventTimeMetrics | undefined {
  const json = useSelect(metricsStore, (m) => {
    const e = m.latest?.nodes[nodeId]?.eventTime;
    return e && JSON.stringify(e);
  });
  return json ? (JSON.parse(json) as EventTimeMetrics) : undefined;
}

/** One line saying where a watermark stands, for the canvas and the waterfall. */
export function watermarkSummary(e: EventTimeMetrics): string {
  if (e.watermark === undefined) return e.heldBy ? `no watermark yet: waiting for ${e.heldBy}` : 'no watermark yet';
  return `watermark ${clock(e.watermark)}${e.trailMs !== undefined ? `, ${span(e.trailMs)} behind the newest event` : ''}${e.heldBy ? `; held back by ${e.heldBy}` : ''}${e.idle?.length ? `; idle: ${e.idle.join(', ')}` : ''}`;
}

/** A window: its scope in words, and (while it runs) its watermark. */
export function WindowEventTime({ node }: { node: PipelineNode }) {
  const e = useEventTime(node.id);
  const perPartition = node.config.scope === 'partition';
  return (
    <section className="event-time" aria-label="event time">
      <h3>Event time</h3>
      <p className="help" data-testid="window-scope">
        {perPartition
          ? 'Results are per Kafka partition: a key whose records are on several partitions gets one partial result from each. Right only when the topic is keyed by this window’s key (as consumer-group workers need).'
          : 'One result per key and window, whatever Kafka partitions the key’s records arrive on. The watermark is the minimum over the partitions that are not idle, less the delay, as in Flink.'}
      </p>
      {e && (
        <dl className="figures" aria-label="watermark">
          <dt>watermark</dt>
          <dd data-testid="watermark">{e.watermark === undefined ? 'none yet' : clock(e.watermark)}</dd>
          <dt>newest event</dt>
          <dd>{clock(e.newest)}</dd>
          <dt>trails it by</dt>
          <dd data-testid="watermark-trail">{e.trailMs === undefined ? '—' : span(e.trailMs)}</dd>
          <dt>held back by</dt>
          <dd data-testid="watermark-held-by">{e.heldBy ?? '—'}</dd>
          <dt>idle partitions</dt>
          <dd data-testid="idle-partitions">{e.idle?.length ? e.idle.join(', ') : 'none'}</dd>
        </dl>
      )}
    </section>
  );
}

/** A running Kafka source's partitions: consumer lag, event-time clock, idle or not. */
export function SourcePartitions({ nodeId }: { nodeId: string }) {
  const lagJson = useSelect(metricsStore, (m) => {
    const l = m.latest?.nodes[nodeId]?.kafka?.lag;
    return l && JSON.stringify(l);
  });
  const e = useEventTime(nodeId);
  const lag = lagJson ? (JSON.parse(lagJson) as Record<string, number>) : {};
  const parts = [...new Set([...Object.keys(lag), ...Object.keys(e?.partitions ?? {})])].sort((a, b) =>
    a.localeCompare(b, undefined, { numeric: true }),
  );
  if (!parts.length) return null;
  return (
    <>
      <table className="partition-lag" aria-label="partitions: consumer lag and event time">
        <thead>
          <tr>
            <th>partition</th>
            <th>lag</th>
            <th>event time</th>
            <th>state</th>
          </tr>
        </thead>
        <tbody>
          {parts.map((p) => {
            const c = e?.partitions?.[p];
            return (
              <tr key={p} className={c?.idle ? 'idle' : undefined}>
                <td>{p}</td>
                <td>{lag[p] ?? '—'}</td>
                <td>{clock(c?.time)}</td>
                <td>{c ? (c.idle ? 'idle' : c.time === undefined ? 'no records yet' : 'active') : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {e && (
        <p className="help" data-testid="source-watermark">
          Sends {watermarkSummary(e)}.{' '}
          {e.idleTimeoutMs
            ? `A partition with no records for ${span(e.idleTimeoutMs)} is idle and stops holding it back.`
            : 'Partitions never go idle (idleTimeoutMs 0).'}
        </p>
      )}
    </>
  );
}
