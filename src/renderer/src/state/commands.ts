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
import { autoLayout, freeSpot, type NodeSize } from '../model/layout';
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

/**
 * Add a node of `type` with its top-left corner at `position`, or the nearest place from there where it covers no
 * other node (`sizes`: the nodes' sizes on the canvas), and select it. Returns where it went.
 */
export function addNodeAt(
  type: string,
  position: Position,
  sizes?: ReadonlyMap<string, NodeSize>,
): Position | undefined {
  if (!unlocked()) return undefined;
  let id = '';
  const at = freeSpot(documentStore.get().doc, position, sizes);
  edit((doc) => {
    const r = addNode(doc, type, at);
    id = r.id;
    return r.doc;
  });
  select([id]);
  return at;
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
  if (!unlocked()) return;
  undoEdit();
  keepExisting();
}

export function redo(): void {
  if (!unlocked()) return;
  redoEdit();
  keepExisting();
}

/** After undo or redo, what is selected is only what still exists (a node that was taken back is not). */
function keepExisting(): void {
  const { doc } = documentStore.get();
  const { nodes, edges } = selectionStore.get();
  const nodeIds = new Set(doc.nodes.map((n) => n.id));
  const edgeIds = new Set(doc.edges.map((e) => e.id));
  if ([...nodes].every((id) => nodeIds.has(id)) && [...edges].every((id) => edgeIds.has(id))) return;
  select(
    [...nodes].filter((id) => nodeIds.has(id)),
    [...edges].filter((id) => edgeIds.has(id)),
  );
}

/** Lay out the selection (two or more nodes), else the whole pipeline, left to right. */
export function layoutPipeline(sizes: ReadonlyMap<string, NodeSize>): void {
  if (!unlocked()) return;
  const { nodes } = selectionStore.get();
  edit((doc) => autoLayout(doc, sizes, nodes.size > 1 ? nodes : undefined));
}
