/**
 * The Tests panel: runs the fixtures beside the open pipeline file (as `sluice test` does) and shows, per fixture,
 * whether each sink received what was expected, with the records and fields that differ.
 */
import { describeFailure } from '../../../shared/testing';
import { useSelect, useStore } from '../state/store';
import { documentStore } from '../state/document';
import { runTests, testsStore } from '../state/tests';

export function TestsPanel() {
  const { running, run, env, error } = useStore(testsStore);
  const path = useSelect(documentStore, (s) => s.path);
  const results = run?.results ?? [];
  const passed = results.filter((r) => r.ok).length;
  return (
    <div className="tests-panel" aria-label="tests">
      <div className="tests-head">
        <button type="button" onClick={() => void runTests()} disabled={running || !path}>
          {running ? 'Running…' : '▶ Run tests'}
        </button>
        {run && (
          <span className={`tests-summary ${passed === results.length && results.length ? 'ok' : 'bad'}`} role="status">
            {results.length
              ? `${passed} of ${results.length} fixture(s) passed${env ? ` in environment “${env}”` : ''}`
              : `no fixtures: looked for ${run.looked}`}
          </span>
        )}
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {!run && !error && (
        <p className="hint">
          Runs the pipeline as it is now against each fixture beside its file (input records per source, the records
          each sink should receive), as <code>sluice test</code> does.
        </p>
      )}
      <ul className="fixtures">
        {results.map((r) => (
          <li key={r.file} className={r.ok ? 'pass' : 'fail'} aria-label={`fixture ${r.name}`}>
            <div className="fixture-head">
              <span className="mark">{r.ok ? '✓' : '✗'}</span> <strong>{r.name}</strong>{' '}
              <span className="muted">
                {r.file} · {r.durationMs} ms
              </span>
            </div>
            {!r.ok && <pre className="fixture-diff">{describeFailure(r).join('\n')}</pre>}
            {r.notes.map((n) => (
              <div key={n} className="muted">
                note: {n}
              </div>
            ))}
          </li>
        ))}
      </ul>
    </div>
  );
}
