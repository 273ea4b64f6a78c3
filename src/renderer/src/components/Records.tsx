import { useEffect, useState } from 'react';
import { documentStore, runStore, studioApi } from '../state/studio';
import { useSelect, useStore } from '../state/store';
import { RecordView } from './RecordView';

/** The last records a debug sink kept, refreshed each second while a run is on. */
export function Records({ nodeId }: { nodeId: string | undefined }) {
  const doc = useSelect(documentStore, (s) => s.doc);
  const viewRunId = useSelect(documentStore, (s) => s.viewRunId);
  const { status } = useStore(runStore);
  const [records, setRecords] = useState<unknown[]>([]);
  const [error, setError] = useState<string>();
  /** Paused: the list as it was, to be read and opened while the run goes on. */
  const [frozen, setFrozen] = useState<{ nodeId: string; records: unknown[] }>();
  const paused = frozen !== undefined && frozen.nodeId === nodeId;
  const isDebug = doc.nodes.find((n) => n.id === nodeId)?.type === 'debug';

  useEffect(() => {
    if (!nodeId || !isDebug || !status.runId || status.runId !== viewRunId) return;
    let cancelled = false;
    const load = () =>
      studioApi()
        .peek(nodeId)
        .then((r) => !cancelled && (setRecords(r.slice(-20).reverse()), setError(undefined)))
        .catch((e: Error) => !cancelled && setError(e.message));
    void load();
    const timer = status.phase === 'running' ? setInterval(load, 1000) : undefined;
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [nodeId, isDebug, status.runId, status.phase, viewRunId]);

  return (
    <section className="panel records" aria-label="records">
      <div className="panel-head">
        <h2>{nodeId ? `Records at ${nodeId}` : 'Records'}</h2>
        {nodeId && isDebug && status.phase === 'running' && (
          <button
            type="button"
            aria-pressed={paused}
            title={paused ? 'Show the newest records again' : 'Hold the list still to read it'}
            onClick={() => setFrozen(paused ? undefined : { nodeId, records })}
          >
            {paused ? 'Resume' : 'Pause'}
          </button>
        )}
      </div>
      {!nodeId && <p className="hint">Select a debug sink to see the records it keeps.</p>}
      {nodeId && !isDebug && <p className="hint">“{nodeId}” is not a debug sink.</p>}
      {error && <p className="bad">{error}</p>}
      {nodeId && isDebug && (
        <ol className="record-list" aria-label="records" tabIndex={0}>
          {(paused ? frozen.records : status.runId === viewRunId ? records : []).map((r, i) => (
            <li key={i}>
              <RecordView record={r} />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
