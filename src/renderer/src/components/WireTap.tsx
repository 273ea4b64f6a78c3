import { useEffect, useState } from 'react';
import type { TapChunk } from '../../../shared/api';
import { useSelect } from '../state/store';
import { runStore, studioApi } from '../state/studio';
import { RecordView } from './RecordView';

/** Records kept on screen. */
const KEEP = 50;
const RATES = [5, 20, 100] as const;

/**
 * Watch a wire of the running pipeline: a live sample of what passes it (each record a line that opens, newest first), at most so
 * many a second, filtered by a JSONata expression the engine applies; pause freezes the list.
 */
export function WireTap({ edgeId }: { edgeId: string }) {
  const running = useSelect(runStore, (s) => s.status.phase === 'running');
  const [draft, setDraft] = useState('');
  const [filter, setFilter] = useState('');
  const [perSecond, setPerSecond] = useState<number>(20);
  /** What the current watch (edge, filter, rate) got; a new watch starts empty. */
  const key = `${edgeId}\u0000${filter}\u0000${perSecond}`;
  const [got, setGot] = useState<{
    key: string;
    records: { n: number; r: unknown }[];
    counts?: { seen: number; matched: number };
    error?: string;
  }>({ key, records: [] });
  /** Paused: the list as it was when paused (the watch goes on, its counts too). */
  const [frozen, setFrozen] = useState<{ n: number; r: unknown }[]>();
  const current = got.key === key ? got : { key, records: [] };
  const records = frozen ?? current.records;
  const { counts, error } = current;
  const paused = frozen !== undefined;

  useEffect(() => {
    if (!running) return;
    let n = 0;
    return studioApi().stream(
      'tap',
      [edgeId, filter, perSecond],
      (chunk: TapChunk) => {
        const fresh = chunk.records.map((r) => ({ n: n++, r })).reverse();
        setGot((prev) => {
          const before = prev.key === key ? prev.records : [];
          return {
            key,
            records: [...fresh, ...before].slice(0, KEEP),
            counts: { seen: chunk.seen, matched: chunk.matched },
          };
        });
      },
      (err) => err && setGot({ key, records: [], error: err }),
    );
  }, [edgeId, filter, perSecond, running, key]);

  return (
    <section className="wire-tap" aria-label="watch the wire">
      <h3>What passes</h3>
      {!running ? (
        <p className="hint">Run the pipeline to watch what passes this wire.</p>
      ) : (
        <>
          <div className="tap-controls">
            <input
              type="text"
              value={draft}
              placeholder="filter (JSONata), e.g. type = 'gift'"
              aria-label="tap filter"
              onChange={(e) => setDraft(e.target.value)}
              onKeyDown={(e) => e.key === 'Enter' && setFilter(draft)}
              onBlur={() => setFilter(draft)}
            />
            <select
              value={perSecond}
              onChange={(e) => setPerSecond(Number(e.target.value))}
              aria-label="records per second shown"
            >
              {RATES.map((r) => (
                <option key={r} value={r}>
                  {r}/s
                </option>
              ))}
            </select>
            <button type="button" onClick={() => setFrozen(paused ? undefined : current.records)} aria-pressed={paused}>
              {paused ? 'Resume' : 'Pause'}
            </button>
          </div>
          {error && (
            <p className="bad" role="alert">
              {error}
            </p>
          )}
          {counts && (
            <p className="muted tap-counts" role="status" aria-label="tap counts">
              {counts.seen.toLocaleString('en-US')} passed
              {filter ? `, ${counts.matched.toLocaleString('en-US')} matched` : ''} since watching · up to {perSecond}/s
              shown{paused ? ' · paused' : ''}
            </p>
          )}
          <ol className="tap-records" aria-label="sampled records" tabIndex={0}>
            {records.map(({ n, r }) => (
              <li key={n}>
                <RecordView record={r} />
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
