/**
 * What the context menus of the canvas offer: on a node, on a wire, on the empty canvas. The same commands as the
 * toolbar and the keys; what edits is disabled while the pipeline runs.
 */
import type { ReactFlowInstance } from '@xyflow/react';
import {
  copySelection,
  cutSelection,
  deleteSelection,
  duplicateSelection,
  layoutPipeline,
  pasteClipboard,
  selectAll,
} from '../state/commands';
import { nodeSizes } from '../model/layout';
import { isLocked } from '../state/studio';
import { findStore, focusField, menuStore, select, selectionStore, shortcutSheetStore } from '../state/ui';
import { FIT_MAX_ZOOM, FIT_PADDING } from './legible';

type Flow = Pick<ReactFlowInstance, 'getNodes' | 'fitView'>;
interface At {
  clientX: number;
  clientY: number;
}

export function openNodeMenu(id: string, at: At): void {
  // Right-clicking a node outside the selection acts on that node alone.
  if (!selectionStore.get().nodes.has(id)) select([id]);
  const many = selectionStore.get().nodes.size > 1;
  const locked = isLocked();
  menuStore.set({
    label: many ? `${selectionStore.get().nodes.size} nodes` : `node ${id}`,
    x: at.clientX,
    y: at.clientY,
    items: [
      ...(many ? [] : [{ label: 'Rename…', action: () => focusField(id, undefined), disabled: locked }]),
      { label: 'Duplicate', keys: 'Ctrl+D', action: duplicateSelection, disabled: locked },
      { label: 'Copy', keys: 'Ctrl+C', action: () => void copySelection() },
      { label: 'Cut', keys: 'Ctrl+X', action: cutSelection, disabled: locked },
      { label: 'Delete', keys: 'Del', action: deleteSelection, disabled: locked },
    ],
  });
}

export function openEdgeMenu(id: string, at: At): void {
  const locked = isLocked();
  menuStore.set({
    label: 'wire',
    x: at.clientX,
    y: at.clientY,
    items: [
      { label: 'Watch its records', action: () => select([], [id]) },
      {
        label: 'Delete wire',
        keys: 'Del',
        action: () => {
          select([], [id]);
          deleteSelection();
        },
        disabled: locked,
      },
    ],
  });
}

export function openPaneMenu(flow: Flow, at: At): void {
  const locked = isLocked();
  menuStore.set({
    label: 'canvas',
    x: at.clientX,
    y: at.clientY,
    items: [
      { label: 'Paste', keys: 'Ctrl+V', action: pasteClipboard, disabled: locked },
      { label: 'Select all', keys: 'Ctrl+A', action: selectAll },
      {
        label: 'Lay out',
        action: () => {
          layoutPipeline(nodeSizes(flow.getNodes()));
          requestAnimationFrame(
            () => void flow.fitView({ padding: FIT_PADDING, maxZoom: FIT_MAX_ZOOM, duration: 200 }),
          );
        },
        disabled: locked,
      },
      {
        label: 'Fit to view',
        action: () => void flow.fitView({ padding: FIT_PADDING, maxZoom: FIT_MAX_ZOOM, duration: 200 }),
      },
      { label: 'Find node…', keys: 'Ctrl+F', action: () => findStore.set(true) },
      { label: 'Keyboard shortcuts', keys: '?', action: () => shortcutSheetStore.set(true) },
    ],
  });
}
