/**
 * New, open, save, save as, import, export and recent files. Files live in the engine's workspace folder; the
 * browser only ever names them by workspace-relative path. Unsaved changes are confirmed before they are lost.
 */
import { StudioError, type HostInfo, type OpenedPipeline, type WorkspaceListing } from '../../../shared/api';
import { serializeDocument, type PipelineDocument } from '../../../shared/document';
import { newDocument } from '../../../shared/edit/commands';
import { documentStore, isDirty, loadDocument, markSaved } from './document';
import { createStore } from './store';
import { studioApi } from './studio';
import type { ValidationIssue } from '../../../shared/validation';
import { notify, select } from './ui';

export type Dialog =
  | { kind: 'open'; listing?: WorkspaceListing; error?: string }
  | { kind: 'save-as'; suggested: string; error?: string }
  | { kind: 'confirm'; title: string; message: string; confirm: string; resolve: (ok: boolean) => void };
export const dialogStore = createStore<Dialog | undefined>(undefined);

/**
 * A file whose envelope is broken (bad JSON, wrong version, a node without a position…) cannot be drawn; the
 * first such problem is reported, with its line, for fixing in a text editor. Problems inside configs and wires
 * open normally and are listed in the Problems panel.
 */
function notEditable(name: string, issues: ValidationIssue[]): string | undefined {
  const bad = issues.find((i) => i.code === 'json-syntax' || i.code === 'structure' || i.code === 'version');
  if (!bad) return undefined;
  return `${name} cannot be opened in the editor: ${bad.line ? `line ${bad.line}${bad.column ? `:${bad.column}` : ''} ` : ''}${bad.pointer || '/'}: ${bad.message}`;
}

const RECENT_KEY = 'sluice.recent';
const RECENT_MAX = 8;

export const recentStore = createStore<string[]>(readRecent());

function readRecent(): string[] {
  try {
    const v = JSON.parse(localStorage.getItem(RECENT_KEY) ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, RECENT_MAX) : [];
  } catch {
    return [];
  }
}

function remember(path: string): void {
  const next = [path, ...recentStore.get().filter((p) => p !== path)].slice(0, RECENT_MAX);
  recentStore.set(next);
  localStorage.setItem(RECENT_KEY, JSON.stringify(next));
}

function forget(path: string): void {
  const next = recentStore.get().filter((p) => p !== path);
  recentStore.set(next);
  localStorage.setItem(RECENT_KEY, JSON.stringify(next));
}

/** Ask before unsaved changes would be lost; true when there are none or the user agrees. */
export function confirmDiscard(action: string): Promise<boolean> {
  if (!isDirty()) return Promise.resolve(true);
  return new Promise((resolve) =>
    dialogStore.set({
      kind: 'confirm',
      title: 'Unsaved changes',
      message: `“${documentStore.get().doc.name}” has unsaved changes. ${action} anyway and lose them?`,
      confirm: 'Discard changes',
      resolve: (ok) => {
        dialogStore.set(undefined);
        resolve(ok);
      },
    }),
  );
}

export async function newPipeline(): Promise<void> {
  if (!(await confirmDiscard('Start a new pipeline'))) return;
  loadDocument(newDocument(), undefined, [], true);
  select();
}

let hostInfo: Promise<HostInfo> | undefined;
/** What the host offers (asked once): the desktop app has system dialogs, the web host a workspace listing. */
export const host = (): Promise<HostInfo> => (hostInfo ??= studioApi().hostInfo());

/** Put an opened file in the editor (or say why it cannot be edited). */
function loadOpened(opened: OpenedPipeline, path: string): void {
  const problem = notEditable(path, opened.validation.issues);
  if (problem || !opened.document) throw new StudioError(problem ?? `${path} is not a pipeline document`);
  dialogStore.set(undefined);
  loadDocument(opened.document, path, opened.validation.issues, true);
  select();
  remember(path);
}

export async function showOpenDialog(): Promise<void> {
  if ((await host()).nativeDialogs) {
    if (!(await confirmDiscard('Open another pipeline'))) return;
    try {
      const opened = await studioApi().openWithDialog();
      if (opened) loadOpened(opened, opened.path);
    } catch (err) {
      notify((err as Error).message, 'error');
    }
    return;
  }
  dialogStore.set({ kind: 'open' });
  try {
    const listing = await studioApi().listPipelines();
    dialogStore.set((d) => (d?.kind === 'open' ? { kind: 'open', listing } : d));
  } catch (err) {
    dialogStore.set((d) => (d?.kind === 'open' ? { kind: 'open', error: (err as Error).message } : d));
  }
}

export async function setWorkspaceFolder(dir: string): Promise<void> {
  try {
    const listing = await studioApi().setWorkspace(dir);
    dialogStore.set({ kind: 'open', listing });
  } catch (err) {
    dialogStore.set((d) => (d?.kind === 'open' ? { ...d, error: (err as Error).message } : d));
  }
}

/** Open a workspace file (from the Open dialog or the recent list). */
export async function openPipelineFile(path: string): Promise<void> {
  if (!(await confirmDiscard(`Open ${path}`))) return;
  try {
    loadOpened(await studioApi().openPipeline(path), path);
  } catch (err) {
    if ((err as StudioError).code === 'not-found') forget(path);
    const message = (err as Error).message;
    if (dialogStore.get()?.kind === 'open') dialogStore.set((d) => (d?.kind === 'open' ? { ...d, error: message } : d));
    else notify(message, 'error');
  }
}

const isWorkspacePath = (path: string | undefined): path is string => !!path && !path.startsWith('demo:');

function suggestedName(doc: PipelineDocument): string {
  const slug = doc.name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `${slug || 'pipeline'}.json`;
}

/** `doc` is now in the file at `path`: it becomes the document's file (clean, unless edited meanwhile) and a recent one. */
function savedAs(path: string, doc: PipelineDocument): void {
  if (documentStore.get().doc === doc) markSaved(path);
  else documentStore.set((s) => ({ ...s, path }));
  remember(path);
  notify(`Saved ${path}`);
}

/** Save to the file it came from; a new, imported or demo document asks where (Save as). */
export async function save(): Promise<void> {
  const { path } = documentStore.get();
  if (!isWorkspacePath(path)) return showSaveAs();
  await saveTo(path);
}

export async function showSaveAs(): Promise<void> {
  const { path, doc } = documentStore.get();
  if ((await host()).nativeDialogs) {
    try {
      const r = await studioApi().saveWithDialog(doc, suggestedName(doc));
      if (r) savedAs(r.path, doc);
    } catch (err) {
      notify((err as Error).message, 'error');
    }
    return;
  }
  dialogStore.set({ kind: 'save-as', suggested: isWorkspacePath(path) ? path : suggestedName(doc) });
}

/** Save into the workspace under `path` (`.json` added when missing). Returns whether it was saved. */
export async function saveTo(input: string): Promise<boolean> {
  const path = input.trim().endsWith('.json') ? input.trim() : `${input.trim()}.json`;
  const doc = documentStore.get().doc;
  try {
    await studioApi().savePipeline(path, doc);
    if (dialogStore.get()?.kind === 'save-as') dialogStore.set(undefined);
    savedAs(path, doc);
    return true;
  } catch (err) {
    const message = (err as Error).message;
    if (dialogStore.get()?.kind === 'save-as')
      dialogStore.set((d) => (d?.kind === 'save-as' ? { ...d, error: message } : d));
    else notify(message, 'error');
    return false;
  }
}

/** Import a pipeline file chosen from this computer; it opens unsaved (Save puts it in the workspace). */
export async function importFile(file: File): Promise<void> {
  if (!(await confirmDiscard(`Import ${file.name}`))) return;
  const text = await file.text();
  const result = await studioApi().validate(text);
  const problem = notEditable(file.name, result.issues);
  if (problem) return notify(problem, 'error');
  loadDocument(JSON.parse(text) as PipelineDocument, undefined, result.issues, false);
  select();
}

/** Offer text to the user as a downloaded file. */
export function downloadText(name: string, text: string, type: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/** Download the document as a pipeline file. */
export function exportDocument(): void {
  const { doc, path } = documentStore.get();
  downloadText(
    isWorkspacePath(path) ? path.split('/').pop()! : suggestedName(doc),
    serializeDocument(doc),
    'application/json',
  );
}
