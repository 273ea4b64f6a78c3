/**
 * Compare: the open document against its saved version or another pipeline file of the workspace. The canvas marks
 * added, changed and moved nodes and wires; the bar above it lists every difference, removed ones included (they
 * are no longer on the canvas), as `sluice diff` prints them.
 */
import { useState } from 'react';
import type { WorkspaceFile } from '../../../shared/api';
import { diffText } from '../../../shared/diff';
import { compareStore, compareWithFile, compareWithSaved, stopComparing } from '../state/compare';
import { documentStore } from '../state/document';
import { useSelect, useStore } from '../state/store';
import { studioApi } from '../state/studio';

export function CompareButton() {
  const [files, setFiles] = useState<WorkspaceFile[] | undefined>();
  const [open, setOpen] = useState(false);
  const path = useSelect(documentStore, (s) => s.path);
  const comparing = useSelect(compareStore, (c) => c !== undefined);
  const toggle = () => {
    if (open) return setOpen(false);
    setOpen(true);
    studioApi()
      .listPipelines()
      .then(
        (l) => setFiles(l.files.filter((f) => f.name !== undefined && f.path !== path)),
        () => setFiles([]),
      );
  };
  const pick = (what: () => void) => {
    setOpen(false);
    what();
  };
  return (
    <div className="compare-menu">
      <button
        type="button"
        onClick={toggle}
        aria-pressed={comparing}
        aria-expanded={open}
        title="Compare this pipeline with its saved version or another file: the changes marked on the canvas"
      >
        Compare…
      </button>
      {open && (
        <div className="menu" role="menu" aria-label="compare with">
          <button type="button" role="menuitem" onClick={() => pick(compareWithSaved)}>
            The saved version
          </button>
          {files === undefined && <div className="muted">listing the workspace…</div>}
          {files?.map((f) => (
            <button key={f.path} type="button" role="menuitem" onClick={() => pick(() => void compareWithFile(f.path))}>
              {f.path} <span className="muted">{f.name}</span>
            </button>
          ))}
          {comparing && (
            <button type="button" role="menuitem" onClick={() => pick(stopComparing)}>
              Stop comparing
            </button>
          )}
        </div>
      )}
    </div>
  );
}

export function CompareBar() {
  const c = useStore(compareStore);
  const [details, setDetails] = useState(true);
  if (!c) return null;
  const { nodes, edges } = c.diff;
  const count = (n: number, what: string) => (n ? [`${n} ${what}`] : []);
  const parts = [
    ...count(nodes.added.length, 'node(s) added'),
    ...count(nodes.changed.length, 'changed'),
    ...count(nodes.removed.length, 'removed'),
    ...count(edges.added.length + edges.removed.length + edges.changed.length, 'wire change(s)'),
    ...count(c.diff.document.length, 'document setting(s)'),
    ...count(nodes.moved.length, 'moved'),
  ];
  return (
    <div className="compare-bar" role="region" aria-label="comparison">
      <div className="compare-head">
        <strong>Compared with {c.against}:</strong>{' '}
        <span data-testid="compare-summary">{c.diff.same ? 'no differences' : parts.join(', ')}</span>
        <span className="legend">
          <span className="diff-key diff-added">added</span>
          <span className="diff-key diff-changed">changed</span>
          <span className="diff-key diff-moved">moved</span>
        </span>
        <button type="button" onClick={() => setDetails(!details)} aria-expanded={details}>
          {details ? 'Hide details' : 'Details'}
        </button>
        <button type="button" onClick={stopComparing} aria-label="Stop comparing">
          ✕
        </button>
      </div>
      {details && !c.diff.same && <pre className="compare-details">{diffText(c.diff).join('\n')}</pre>}
    </div>
  );
}
