import { connectionStore, runStore } from '../state/studio';
import { useStore } from '../state/store';
import { FlinkJobStatus } from './Flink';

export function StatusBar() {
  const conn = useStore(connectionStore);
  const { status, errors, lastActionError } = useStore(runStore);
  const last = errors[errors.length - 1];
  const total = errors.reduce((n, e) => n + e.count, 0);
  return (
    <footer className="statusbar" aria-label="status bar">
      <span className={`conn ${conn.state}`} data-testid="connection">
        {conn.state === 'connected'
          ? 'engine connected'
          : conn.state === 'connecting'
            ? 'connecting…'
            : `disconnected${conn.why ? `: ${conn.why}` : ''}`}
      </span>
      <span data-testid="run-phase">
        run: {status.phase}
        {status.pipelineName ? ` · ${status.pipelineName}` : ''}
        {status.message && status.phase !== 'running' ? ` · ${status.message}` : ''}
      </span>
      <span className={total ? 'bad' : ''} data-testid="errors">
        {total ? `${total} error(s) · last in “${last!.nodeId}”: ${last!.message}` : 'no errors'}
      </span>
      <FlinkJobStatus />
      {lastActionError && (
        <span className="bad" data-testid="action-error">
          {lastActionError}
        </span>
      )}
    </footer>
  );
}
