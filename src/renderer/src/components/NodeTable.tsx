import { memo, useDeferredValue } from 'react';
import { documentStore, metricsStore, runStore, type MetricsState } from '../state/studio';
import { useSelect, useStore } from '../state/store';
import { select, selectionStore } from '../state/ui';
import { compact, millis } from './format';

/** The most rows drawn; a larger pipeline lists the selected nodes first, then the busiest. */
const MAX_ROWS = 40;

/** Live figures per node: state, rate, bytes, errors, processing time (rendered in the background, like the chart). */
export function NodeTable() {
  const metrics = useDeferredValue(useStore(metricsStore));
  return <NodeTableView metrics={metrics} />;
}

const NodeTableView = memo(function NodeTableView({ metrics }: { metrics: MetricsState }) {
  const doc = useSelect(documentStore, (s) => s.doc);
  const selected = useSelect(selectionStore, (s) => s.nodes);
  const { latest, rates } = metrics;
  const { status } = useStore(runStore);
  const viewRunId = useSelect(documentStore, (s) => s.viewRunId);
  const ours = viewRunId !== undefined && status.runId === viewRunId;
  // Rates only while it runs: after a stop the last ones would stand beside "stopped" as if still true.
  const running = status.phase === 'running' || status.phase === 'starting' || status.phase === 'stopping';
  const live = ours && running && latest && latest.runId === viewRunId;
  const rows =
    doc.nodes.length <= MAX_ROWS
      ? doc.nodes
      : [...doc.nodes]
          .sort(
            (a, b) =>
              Number(selected.has(b.id)) - Number(selected.has(a.id)) || (rates[b.id] ?? 0) - (rates[a.id] ?? 0),
          )
          .slice(0, MAX_ROWS);
  return (
    <section className="panel table" aria-label="node metrics">
      <h2>
        Nodes{rows.length < doc.nodes.length ? ` (${rows.length} of ${doc.nodes.length}: selected, then busiest)` : ''}
      </h2>
      <table aria-label="Node metrics">
        <thead>
          <tr>
            <th>Node</th>
            <th>State</th>
            <th className="num">rec/s</th>
            <th className="num" title="Bytes per second through the node; for a media node, its bitrate">
              KB/s
            </th>
            <th className="num">Errors</th>
            <th className="num">p99 ms</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((n) => {
            const m = live ? latest.nodes[n.id] : undefined;
            return (
              <tr
                key={n.id}
                className={selected.has(n.id) ? 'selected' : ''}
                onClick={() => select([n.id])}
                data-node={n.id}
              >
                <td className="node-id" title={n.id}>
                  {n.id}
                </td>
                <td className={`state ${(ours ? status.nodeStates[n.id] : undefined) ?? 'idle'}`}>
                  {(ours ? status.nodeStates[n.id] : undefined) ?? 'idle'}
                </td>
                <td
                  className="num"
                  data-testid={`table-rate-${n.id}`}
                  title={m?.media ? 'frames per second (a media node carries frames, not records)' : undefined}
                >
                  {m ? (m.media ? `${compact(m.media.fps)} fps` : compact(rates[n.id] ?? 0)) : '—'}
                </td>
                <td className="num">
                  {m
                    ? compact(
                        m.media?.bitrateKbps !== undefined
                          ? (m.media.bitrateKbps * 1000) / 8 / 1024
                          : Math.max(m.bytesInPerSec, m.bytesOutPerSec) / 1024,
                      )
                    : '—'}
                </td>
                <td className={`num${m && m.errors ? ' bad' : ''}`}>{m ? compact(m.errors) : '—'}</td>
                <td className="num">{m ? millis(m.p99Ms) : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
});
