import { documentStore, runPipeline, runStore, stopPipeline } from '../state/studio';
import { useStore } from '../state/store';

export function Toolbar() {
  const { doc, path, issues } = useStore(documentStore);
  const { status } = useStore(runStore);
  const busy = status.phase === 'running' || status.phase === 'starting' || status.phase === 'stopping';
  return (
    <header className="toolbar">
      <span className="brand">Sluice</span>
      <span className="doc-name" title={path}>
        {doc?.name ?? 'No pipeline'}
      </span>
      <span className={`issues ${issues.length ? 'bad' : 'ok'}`}>{issues.length ? `${issues.length} problem(s)` : 'valid'}</span>
      <div className="spacer" />
      <span className={`phase phase-${status.phase}`} aria-label="run state" role="status">
        {status.phase}
      </span>
      <button type="button" className="run" onClick={() => void runPipeline()} disabled={busy || !doc || issues.length > 0}>
        ▶ Run
      </button>
      <button type="button" className="stop" onClick={() => void stopPipeline()} disabled={status.phase !== 'running'}>
        ■ Stop
      </button>
    </header>
  );
}
