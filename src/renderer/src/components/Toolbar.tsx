import { useEffect, useMemo, useRef } from 'react';
import { useReactFlow } from '@xyflow/react';
import { documentStore, isDirty } from '../state/document';
import { layoutPipeline, redo, undo } from '../state/commands';
import { exportDocument, importFile, newPipeline, save, showOpenDialog, showSaveAs } from '../state/files';
import { dashboardStore, liveStateStore, testsPanelStore, topicBrowserStore, waterfallStore } from '../state/ui';
import { useSelect, useStore, type Store } from '../state/store';
import { isLocked, runPipeline, runStore, stopPipeline } from '../state/studio';
import { isError } from '../../../shared/validation';
import { runTarget } from '../state/flink';
import { RunTarget } from './Flink';
import { EnvironmentPicker } from './Parameters';
import { CompareButton } from './Compare';
import { FIT_MAX_ZOOM, FIT_PADDING } from './legible';
import { nodeSizes } from '../model/layout';

/** The toolbar's buttons that open and close a panel of the dock. */
const PANEL_TOGGLES: { store: Store<boolean>; label: string; title: string }[] = [
  { store: topicBrowserStore, label: 'Topics', title: 'Kafka topics, messages and consumer lag' },
  {
    store: dashboardStore,
    label: 'Dashboard',
    title: 'Charts of the run: throughput, processing time, queues, lag, video; kept runs and comparisons',
  },
  {
    store: waterfallStore,
    label: 'Latency',
    title: 'A batch followed from its event time through every node to its acknowledgement',
  },
  {
    store: liveStateStore,
    label: 'Live state',
    title: 'What the running pipeline keeps in Redis: counters, leaderboards, streams',
  },
  {
    store: testsPanelStore,
    label: 'Tests',
    title: 'Run the fixtures beside this pipeline file (sluice test) and see what differs',
  },
];

function PanelToggle({ store, label, title }: { store: Store<boolean>; label: string; title: string }) {
  const open = useStore(store);
  return (
    <button type="button" onClick={() => store.set(!store.get())} aria-pressed={open} title={title}>
      {label}
    </button>
  );
}

export function Toolbar() {
  const doc = useSelect(documentStore, (s) => s.doc);
  const saved = useSelect(documentStore, (s) => s.saved);
  const path = useSelect(documentStore, (s) => s.path);
  const issues = useSelect(documentStore, (s) => s.issues);
  const errors = issues.filter(isError).length;
  const validated = useSelect(documentStore, (s) => s.validated);
  const canUndo = useSelect(documentStore, (s) => s.history.past.length > 0);
  const canRedo = useSelect(documentStore, (s) => s.history.future.length > 0);
  const { status } = useStore(runStore);
  const locked = useSelect(runStore, isLocked);
  const dirty = useMemo(() => isDirty({ ...documentStore.get(), doc, saved }), [doc, saved]);
  const flow = useReactFlow();
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    document.title = `${dirty ? '● ' : ''}${doc.name} — Sluice`;
  }, [dirty, doc.name]);

  const layout = () => {
    layoutPipeline(nodeSizes(flow.getNodes()));
    requestAnimationFrame(() => void flow.fitView({ padding: FIT_PADDING, maxZoom: FIT_MAX_ZOOM, duration: 200 }));
  };

  return (
    <header className="toolbar">
      <span className="brand">Sluice</span>
      <div className="group" role="group" aria-label="file">
        <button type="button" onClick={() => void newPipeline()} disabled={locked} title="New pipeline">
          New
        </button>
        <button
          type="button"
          onClick={() => void showOpenDialog()}
          disabled={locked}
          title="Open from the workspace (Ctrl+O)"
        >
          Open…
        </button>
        <button type="button" onClick={() => void save()} title="Save (Ctrl+S)">
          Save
        </button>
        <button type="button" onClick={() => void showSaveAs()} title="Save as (Ctrl+Shift+S)">
          Save as…
        </button>
        <button
          type="button"
          onClick={() => fileInput.current?.click()}
          disabled={locked}
          title="Import a pipeline file from this computer"
        >
          Import…
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".json,application/json"
          hidden
          aria-label="Import pipeline file"
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) void importFile(f);
          }}
        />
        <button type="button" onClick={exportDocument} title="Download the pipeline file">
          Export
        </button>
      </div>
      <div className="group" role="group" aria-label="edit">
        <button type="button" onClick={undo} disabled={locked || !canUndo} title="Undo (Ctrl+Z)">
          Undo
        </button>
        <button type="button" onClick={redo} disabled={locked || !canRedo} title="Redo (Ctrl+Shift+Z)">
          Redo
        </button>
        <button
          type="button"
          onClick={layout}
          disabled={locked || doc.nodes.length === 0}
          title="Auto-layout left to right (the selection, or everything)"
        >
          Layout
        </button>
      </div>
      {PANEL_TOGGLES.map((t) => (
        <PanelToggle key={t.label} {...t} />
      ))}
      <CompareButton />
      <span className="doc-name" title={path ?? 'not saved yet'} data-testid="doc-title">
        {dirty && (
          <span className="dirty" aria-label="unsaved changes" title="unsaved changes">
            ●{' '}
          </span>
        )}
        <span className="doc-label">{doc.name}</span>
        <span className="doc-path">{path ? ` — ${path}` : ' — not saved'}</span>
      </span>
      <span className={`issues ${errors ? 'bad' : issues.length ? 'warn' : 'ok'}`} data-testid="issue-count">
        {!validated
          ? 'checking…'
          : errors
            ? `${errors} problem(s)`
            : issues.length
              ? `valid · ${issues.length} warning(s)`
              : 'valid'}
      </span>
      <EnvironmentPicker />
      <div className="spacer" />
      <span className={`phase phase-${status.phase}`} aria-label="run state" role="status">
        {status.phase}
      </span>
      <RunTarget />
      <button
        type="button"
        className="run"
        onClick={() => void runPipeline(runTarget())}
        disabled={locked || errors > 0 || !validated || doc.nodes.length === 0}
      >
        ▶ Run
      </button>
      <button type="button" className="stop" onClick={() => void stopPipeline()} disabled={status.phase !== 'running'}>
        ■ Stop
      </button>
      {status.target?.kind === 'flink' && (
        <button
          type="button"
          className="stop"
          onClick={() => void stopPipeline({ savepoint: true })}
          disabled={status.phase !== 'running'}
          title="Stop the Flink job after writing a savepoint (its state: open windows, Kafka offsets), to start from later"
        >
          ■ Stop with savepoint
        </button>
      )}
    </header>
  );
}
