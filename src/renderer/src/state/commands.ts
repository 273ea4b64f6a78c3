/**
 * The editor's user commands (menu, buttons and keyboard share them): delete, copy, cut, paste, duplicate,
 * select all, undo, redo, auto-layout. Each edit is one undo step; none runs while the pipeline runs.
 */
import type { Position } from '../../../shared/document';
import {
  addNode,
  copyFragment,
  parseFragment,
  pasteFragment,
  removeElements,
  type Fragment,
} from '../../../shared/edit/commands';
import { autoLayout, type NodeSize } from '../model/layout';
import { documentStore, edit, redoEdit, undoEdit } from './document';
import { isLocked } from './studio';
import { notify, select, selectionStore } from './ui';

/** The clipboard is shared by every studio window of this origin (so nodes paste between two open pipelines). */
const CLIPBOARD_KEY = 'sluice.clipboard';
/** How far a paste lands from the copied nodes, so the copy does not hide the original. */
const PASTE_OFFSET = 40;

/** Whether the document may be edited now; while a pipeline runs, says so and refuses. */
export function unlocked(): boolean {
  if (!isLocked()) return true;
  notify('The pipeline is running: stop it to edit.', 'refused');
  return false;
}

/** Add a node of `type` with its top-left corner at `position`, and select it. */
export function addNodeAt(type: string, position: Position): void {
  if (!unlocked()) return;
  let id = '';
  edit((doc) => {
    const r = addNode(doc, type, position);
    id = r.id;
    return r.doc;
  });
  select([id]);
}

export function deleteSelection(): void {
  const { nodes, edges } = selectionStore.get();
  if ((nodes.size === 0 && edges.size === 0) || !unlocked()) return;
  edit((doc) => removeElements(doc, nodes, edges));
  select();
}

export function selectAll(): void {
  const { doc } = documentStore.get();
  select(
    doc.nodes.map((n) => n.id),
    doc.edges.map((e) => e.id),
  );
}

/** Copy the selected nodes (and the wires among them). Returns the fragment, or undefined with nothing selected. */
export function copySelection(): Fragment | undefined {
  const { nodes } = selectionStore.get();
  if (nodes.size === 0) return undefined;
  const fragment = copyFragment(documentStore.get().doc, nodes);
  const text = JSON.stringify(fragment);
  localStorage.setItem(CLIPBOARD_KEY, text);
  // Also on the system clipboard where the browser allows it, to paste into a text editor or another machine.
  navigator.clipboard?.writeText(text).catch(() => undefined);
  notify(`Copied ${fragment.nodes.length} node(s)`);
  return fragment;
}

export function cutSelection(): void {
  if (!unlocked()) return;
  if (copySelection()) deleteSelection();
}

function paste(fragment: Fragment): void {
  let ids: string[] = [];
  edit((doc) => {
    // Repeated pastes of the same nodes step further on, instead of piling up in one place.
    const taken = new Set(doc.nodes.map((n) => `${n.position.x},${n.position.y}`));
    let k = 1;
    while (
      fragment.nodes.some((n) => taken.has(`${n.position.x + k * PASTE_OFFSET},${n.position.y + k * PASTE_OFFSET}`))
    )
      k++;
    const r = pasteFragment(doc, fragment, { x: k * PASTE_OFFSET, y: k * PASTE_OFFSET });
    ids = r.ids;
    return r.doc;
  });
  select(ids);
}

export function pasteClipboard(): void {
  if (!unlocked()) return;
  const fragment = parseFragment(localStorage.getItem(CLIPBOARD_KEY) ?? '');
  if (!fragment) return notify('Nothing to paste: copy some nodes first.', 'info');
  paste(fragment);
}

export function duplicateSelection(): void {
  if (!unlocked()) return;
  const { nodes } = selectionStore.get();
  if (nodes.size === 0) return;
  paste(copyFragment(documentStore.get().doc, nodes));
}

export function undo(): void {
  if (unlocked()) undoEdit();
}

export function redo(): void {
  if (unlocked()) redoEdit();
}

/** Lay out the selection (two or more nodes), else the whole pipeline, left to right. */
export function layoutPipeline(sizes: ReadonlyMap<string, NodeSize>): void {
  if (!unlocked()) return;
  const { nodes } = selectionStore.get();
  edit((doc) => autoLayout(doc, sizes, nodes.size > 1 ? nodes : undefined));
}
