/**
 * The open document: its edit history, where it was opened from, whether it has unsaved changes, and its
 * problems as the engine's validation reports them (live, after every edit).
 */
import type { StudioApi } from '../../../shared/api';
import { serializeDocument, type PipelineDocument } from '../../../shared/document';
import { newDocument } from '../../../shared/edit/commands';
import { record, redo, seal, startHistory, undo, type HistoryState } from '../../../shared/edit/history';
import type { NodeTypeInfo } from '../../../shared/spec';
import type { PlanView } from '../../../shared/plan';
import type { ValidationIssue } from '../../../shared/validation';
import type { ParameterChoice, ResolvedParameter } from '../../../shared/parameters';
import { createStore } from './store';

export interface DocumentState {
  history: HistoryState<PipelineDocument>;
  /** The document being edited (the history's present). */
  doc: PipelineDocument;
  /** Workspace-relative path, `demo:…` for the demo, undefined for a new or imported document. */
  path?: string;
  /** The document as last opened or saved: unsaved changes are any difference from it (none: never saved). */
  saved?: PipelineDocument;
  issues: ValidationIssue[];
  /** Where each node runs and why, for a document that can run (from the last validation). */
  plan?: PlanView;
  /** Each parameter's value in the environment chosen, and where it came from (from the last validation). */
  parameters?: ResolvedParameter[];
  /** Whether `issues` belong to the current document (validation runs shortly after each edit). */
  validated: boolean;
  nodeTypes: Map<string, NodeTypeInfo>;
  /** Counts documents loaded (opened, new, imported), so views can reset for a new one. */
  generation: number;
  /**
   * The run whose states and metrics the canvas shows: one started from this document. Another document (opened
   * after, or run from another window) shows none, so no figures land on nodes that merely share an id.
   */
  viewRunId?: string;
}

const blank = newDocument();
export const documentStore = createStore<DocumentState>({
  history: startHistory(blank),
  doc: blank,
  saved: blank,
  issues: [],
  validated: true,
  nodeTypes: new Map(),
  generation: 0,
});

/** Whether the document differs from the file it came from. */
export function isDirty(s: DocumentState = documentStore.get()): boolean {
  if (!s.saved) return true;
  return s.doc !== s.saved && serializeDocument(s.doc) !== serializeDocument(s.saved);
}

let api: StudioApi | undefined;
/** The parameter values validation resolves with: the environment picked in the toolbar. */
let choice: () => ParameterChoice | undefined = () => undefined;
/** Problems of the environment file picked (its syntax, its shape, a secret in it), shown with the document's. */
let choiceIssues: () => ValidationIssue[] = () => [];
let validationTimer: ReturnType<typeof setTimeout> | undefined;
let validationSeq = 0;

/** Validate the current document with the engine, shortly after the last edit; late answers are dropped. */
function scheduleValidation(): void {
  clearTimeout(validationTimer);
  validationTimer = setTimeout(() => {
    const doc = documentStore.get().doc;
    const seq = ++validationSeq;
    api
      ?.validate(serializeDocument(doc), choice())
      .then((r) => {
        if (seq === validationSeq && documentStore.get().doc === doc)
          documentStore.set((s) => ({
            ...s,
            issues: [...choiceIssues(), ...r.issues],
            plan: r.plan,
            parameters: r.parameters,
            validated: true,
          }));
      })
      .catch(() => undefined);
  }, 120);
}

export function attachValidation(
  studio: StudioApi,
  parameters?: { choice: () => ParameterChoice | undefined; issues: () => ValidationIssue[] },
): void {
  api = studio;
  if (parameters) ({ choice, issues: choiceIssues } = parameters);
}

/** Validate again (another environment was chosen): the problems and resolved values are those of the new one. */
export function revalidate(): void {
  documentStore.set((s) => ({ ...s, validated: false }));
  scheduleValidation();
}

function setHistory(history: HistoryState<PipelineDocument>): void {
  const prev = documentStore.get();
  if (history === prev.history) return;
  const changed = history.present !== prev.doc;
  documentStore.set({ ...prev, history, doc: history.present, validated: changed ? false : prev.validated });
  if (changed) scheduleValidation();
}

/**
 * Apply an edit. With `key`, consecutive edits with the same key (keystrokes in one field, the moves of one drag)
 * make one undo step.
 */
export function edit(fn: (doc: PipelineDocument) => PipelineDocument, key?: string): void {
  const h = documentStore.get().history;
  setHistory(record(h, fn(h.present), key));
}

/** Close the current coalesced step (a field lost focus, a drag ended). */
export function sealEdit(): void {
  setHistory(seal(documentStore.get().history));
}

export function undoEdit(): void {
  setHistory(undo(documentStore.get().history));
}

export function redoEdit(): void {
  setHistory(redo(documentStore.get().history));
}

/**
 * Replace the document (open, new, import) with a fresh history. `clean`: it has no unsaved changes (opened from a
 * file, or new and empty); an imported document has not been saved anywhere yet.
 */
export function loadDocument(
  doc: PipelineDocument,
  path: string | undefined,
  issues: ValidationIssue[],
  clean: boolean,
): void {
  clearTimeout(validationTimer);
  validationSeq++;
  documentStore.set((s) => ({
    ...s,
    history: startHistory(doc),
    doc,
    path,
    saved: clean ? doc : undefined,
    issues,
    plan: undefined,
    validated: true,
    generation: s.generation + 1,
    viewRunId: undefined,
  }));
  // Its plan (where each node runs) comes with the engine's validation.
  scheduleValidation();
}

export function markSaved(path: string): void {
  documentStore.set((s) => ({ ...s, path, saved: s.doc }));
}
