/**
 * Keyboard shortcuts for the editor. Ctrl on Linux and Windows, Cmd on macOS; keys typed into a field stay there.
 */
import {
  copySelection,
  cutSelection,
  deleteSelection,
  duplicateSelection,
  pasteClipboard,
  redo,
  selectAll,
  undo,
} from './commands';
import { isDirty } from './document';
import { save, showOpenDialog, showSaveAs } from './files';
import { findStore, shortcutSheetStore } from './ui';

const inField = (t: EventTarget | null): boolean =>
  t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));

function onKeyDown(e: KeyboardEvent): void {
  const mod = e.ctrlKey || e.metaKey;
  const key = e.key.toLowerCase();
  // Saving works from anywhere, fields included.
  if (mod && key === 's') {
    e.preventDefault();
    if (e.shiftKey) void showSaveAs();
    else void save();
    return;
  }
  if (inField(e.target) || document.querySelector('.modal, .context-menu')) return;
  const run = (fn: () => void) => {
    e.preventDefault();
    fn();
  };
  if (mod && key === 'z') run(e.shiftKey ? redo : undo);
  else if (mod && key === 'y') run(redo);
  else if (mod && key === 'c') run(() => void copySelection());
  else if (mod && key === 'x') run(cutSelection);
  else if (mod && key === 'v') run(pasteClipboard);
  else if (mod && key === 'd') run(duplicateSelection);
  else if (mod && key === 'a') run(selectAll);
  else if (mod && key === 'o') run(() => void showOpenDialog());
  else if (mod && key === 'f') run(() => findStore.set(true));
  else if (!mod && e.key === '?') run(() => shortcutSheetStore.set(true));
  else if (!mod && (e.key === 'Delete' || e.key === 'Backspace')) run(deleteSelection);
}

function onBeforeUnload(e: BeforeUnloadEvent): void {
  if (!isDirty()) return;
  e.preventDefault();
  e.returnValue = '';
}

/** Install the shortcuts and the unsaved-changes guard on the window; returns the uninstaller. */
export function installShortcuts(): () => void {
  window.addEventListener('keydown', onKeyDown);
  window.addEventListener('beforeunload', onBeforeUnload);
  return () => {
    window.removeEventListener('keydown', onKeyDown);
    window.removeEventListener('beforeunload', onBeforeUnload);
  };
}
