import { useEffect, useRef, useState } from 'react';
import { dialogStore, openPipelineFile, recentStore, saveTo, setWorkspaceFolder, type Dialog } from '../state/files';
import { useStore } from '../state/store';
import { dismissNotice, noticeStore } from '../state/ui';

export function Modal({ title, onClose, children }: { title: string; onClose: () => void; children: React.ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>('[autofocus], input, button')?.focus();
  }, []);
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        ref={ref}
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-label={title}
        onKeyDown={(e) => e.key === 'Escape' && onClose()}
      >
        <h2>{title}</h2>
        {children}
      </div>
    </div>
  );
}

const close = () => dialogStore.set(undefined);

function OpenDialog({ d }: { d: Extract<Dialog, { kind: 'open' }> }) {
  const recent = useStore(recentStore);
  const [folder, setFolder] = useState<string>();
  return (
    <Modal title="Open pipeline" onClose={close}>
      <div className="field">
        <label htmlFor="workspace-folder">Workspace folder</label>
        <div className="row">
          <input
            id="workspace-folder"
            type="text"
            value={folder ?? d.listing?.dir ?? ''}
            onChange={(e) => setFolder(e.target.value)}
            spellCheck={false}
          />
          <button
            type="button"
            onClick={() => folder && void setWorkspaceFolder(folder)}
            disabled={!folder || folder === d.listing?.dir}
          >
            Use folder
          </button>
        </div>
      </div>
      {d.error && (
        <p className="error" role="alert">
          {d.error}
        </p>
      )}
      {!d.listing && !d.error && <p className="hint">Listing…</p>}
      {d.listing && d.listing.files.length === 0 && (
        <p className="hint">No pipeline files in this folder yet. Save one, or import a file.</p>
      )}
      {d.listing && d.listing.files.length > 0 && (
        <ul className="file-list" aria-label="pipeline files">
          {d.listing.files.map((f) => (
            <li key={f.path}>
              <button type="button" onClick={() => void openPipelineFile(f.path)} aria-label={`Open ${f.path}`}>
                <span className="file-path">{f.path}</span>
                <span className="file-name">{f.name ?? 'not a pipeline?'}</span>
                <span className="file-time">{new Date(f.modified).toLocaleString()}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {recent.length > 0 && (
        <>
          <h3>Recent</h3>
          <ul className="file-list" aria-label="recent files">
            {recent.map((p) => (
              <li key={p}>
                <button type="button" onClick={() => void openPipelineFile(p)} aria-label={`Open recent ${p}`}>
                  <span className="file-path">{p}</span>
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      <div className="row end">
        <button type="button" onClick={close}>
          Cancel
        </button>
      </div>
    </Modal>
  );
}

function SaveAsDialog({ d }: { d: Extract<Dialog, { kind: 'save-as' }> }) {
  const [name, setName] = useState(d.suggested);
  const submit = () => name.trim() && void saveTo(name);
  return (
    <Modal title="Save pipeline as" onClose={close}>
      <div className="field">
        <label htmlFor="save-as-path">File name in the workspace</label>
        <input
          id="save-as-path"
          type="text"
          value={name}
          onChange={(e) => setName(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && submit()}
          spellCheck={false}
          autoFocus
        />
        <div className="help">
          A path inside the workspace folder, ending in .json (added if missing); folders are created.
        </div>
      </div>
      {d.error && (
        <p className="error" role="alert">
          {d.error}
        </p>
      )}
      <div className="row end">
        <button type="button" onClick={close}>
          Cancel
        </button>
        <button type="button" className="primary" onClick={submit} disabled={!name.trim()}>
          Save
        </button>
      </div>
    </Modal>
  );
}

function ConfirmDialog({ d }: { d: Extract<Dialog, { kind: 'confirm' }> }) {
  return (
    <Modal title={d.title} onClose={() => d.resolve(false)}>
      <p>{d.message}</p>
      <div className="row end">
        <button type="button" onClick={() => d.resolve(false)} autoFocus>
          Cancel
        </button>
        <button type="button" className="danger" onClick={() => d.resolve(true)}>
          {d.confirm}
        </button>
      </div>
    </Modal>
  );
}

export function Dialogs() {
  const d = useStore(dialogStore);
  if (!d) return null;
  if (d.kind === 'open') return <OpenDialog d={d} />;
  if (d.kind === 'save-as') return <SaveAsDialog d={d} />;
  return <ConfirmDialog d={d} />;
}

/** The last notice: a refused wire next to where it was dropped, or an action's outcome over the canvas. */
export function NoticeView() {
  const n = useStore(noticeStore);
  if (!n) return null;
  const style = n.at ? { left: Math.min(n.at.x + 12, window.innerWidth - 380), top: n.at.y + 12 } : undefined;
  return (
    <div
      key={n.seq}
      className={`notice ${n.kind}${n.at ? ' at-pointer' : ''}`}
      style={style}
      role={n.kind === 'info' ? 'status' : 'alert'}
      aria-label="notice"
      onClick={dismissNotice}
    >
      {n.text}
    </div>
  );
}
