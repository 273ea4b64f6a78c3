import { connectionStore, runStore } from '../state/studio';
import { useSelect, useStore } from '../state/store';
import { documentStore } from '../state/document';
import { chooseTheme, themeStore, type ThemeChoice } from '../state/theme';
import { FlinkJobStatus } from './Flink';

/** Light, dark, or as the system prefers (the default). */
function ThemePicker() {
  const { choice, theme } = useStore(themeStore);
  return (
    <label className="theme-picker">
      Theme{' '}
      <select value={choice} onChange={(e) => chooseTheme(e.target.value as ThemeChoice)} aria-label="theme">
        <option value="system">system ({theme})</option>
        <option value="light">light</option>
        <option value="dark">dark</option>
      </select>
    </label>
  );
}

export function StatusBar() {
  const conn = useStore(connectionStore);
  const { status, errors, lastActionError } = useStore(runStore);
  // The run's pipeline is named while it runs, or while its figures are the ones on screen: not beside a new or
  // another document once it has ended.
  const viewRunId = useSelect(documentStore, (d) => d.viewRunId);
  const named =
    status.phase === 'starting' ||
    status.phase === 'running' ||
    status.phase === 'stopping' ||
    viewRunId === status.runId;
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
        {named && status.pipelineName ? ` · ${status.pipelineName}` : ''}
        {named && status.message && status.phase !== 'running' ? ` · ${status.message}` : ''}
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
      <ThemePicker />
    </footer>
  );
}
