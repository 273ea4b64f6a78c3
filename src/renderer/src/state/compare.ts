/**
 * Comparing the open document with its saved version or another pipeline file: the differences (shared/diff.ts),
 * kept up to date as the document is edited, and each node's and wire's mark for the canvas.
 */
import { diffDocuments, type DocumentDiff } from '../../../shared/diff';
import type { PipelineDocument } from '../../../shared/document';
import { documentStore } from './document';
import { createStore } from './store';
import { studioApi } from './studio';
import { notify } from './ui';

export type DiffMark = 'added' | 'changed' | 'moved';

export interface CompareState {
  /** What the document is compared with, in words: "the saved version", "gifts-v1.json". */
  against: string;
  base: PipelineDocument;
  diff: DocumentDiff;
  nodeMarks: ReadonlyMap<string, DiffMark>;
  edgeMarks: ReadonlyMap<string, DiffMark>;
}

export const compareStore = createStore<CompareState | undefined>(undefined);
export const NO_MARKS: ReadonlyMap<string, DiffMark> = new Map();

function compared(against: string, base: PipelineDocument, doc: PipelineDocument): CompareState {
  const diff = diffDocuments(base, doc);
  const nodeMarks = new Map<string, DiffMark>();
  for (const id of diff.nodes.moved) nodeMarks.set(id, 'moved');
  for (const n of diff.nodes.changed) nodeMarks.set(n.id, 'changed');
  for (const n of diff.nodes.added) nodeMarks.set(n.id, 'added');
  const edgeMarks = new Map<string, DiffMark>();
  for (const e of diff.edges.changed) edgeMarks.set(e.id, 'changed');
  for (const e of diff.edges.added) edgeMarks.set(e.id, 'added');
  return { against, base, diff, nodeMarks, edgeMarks };
}

let following = false;
function follow(): void {
  if (following) return;
  following = true;
  let doc = documentStore.get().doc;
  let generation = documentStore.get().generation;
  documentStore.subscribe(() => {
    const s = documentStore.get();
    const c = compareStore.get();
    if (!c) return;
    // Another document opened: the comparison was of the one before.
    if (s.generation !== generation) {
      generation = s.generation;
      doc = s.doc;
      compareStore.set(undefined);
      return;
    }
    if (s.doc === doc) return;
    doc = s.doc;
    compareStore.set(compared(c.against, c.base, s.doc));
  });
}

export function compareWithSaved(): void {
  const { saved, doc, path } = documentStore.get();
  if (!saved) {
    notify('This pipeline has not been saved yet: there is no saved version to compare with.', 'error');
    return;
  }
  follow();
  compareStore.set(compared(`the saved version${path ? ` (${path})` : ''}`, saved, doc));
}

export async function compareWithFile(path: string): Promise<void> {
  try {
    const opened = await studioApi().openPipeline(path);
    if (!opened.document) throw new Error(`${path} is not a pipeline document`);
    follow();
    compareStore.set(compared(path, opened.document, documentStore.get().doc));
  } catch (err) {
    notify(`Cannot compare with ${path}: ${(err as Error).message}`, 'error');
  }
}

export const stopComparing = (): void => compareStore.set(undefined);
