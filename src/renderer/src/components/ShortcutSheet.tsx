/** The keyboard shortcuts, on `?` (or from the canvas's menu). */
import { useStore } from '../state/store';
import { shortcutSheetStore } from '../state/ui';
import { Modal } from './Dialogs';

const SHORTCUTS: [keys: string, what: string][] = [
  ['Ctrl+S', 'Save (Ctrl+Shift+S: save as)'],
  ['Ctrl+O', 'Open a pipeline'],
  ['Ctrl+Z', 'Undo'],
  ['Ctrl+Shift+Z, Ctrl+Y', 'Redo'],
  ['Ctrl+C, Ctrl+X, Ctrl+V', 'Copy, cut, paste nodes (and the wires among them)'],
  ['Ctrl+D', 'Duplicate the selection'],
  ['Ctrl+A', 'Select everything'],
  ['Delete, Backspace', 'Delete the selection'],
  ['Ctrl+F', 'Find a node'],
  ['Shift+click, Shift+drag', 'Add to the selection; select with a box'],
  ['Enter on a port', 'Start a wire there, or end the one being drawn; Escape cancels'],
  ['Right-click', 'What can be done with a node, a wire or the canvas'],
  ['?', 'This sheet'],
];

export function ShortcutSheet() {
  const open = useStore(shortcutSheetStore);
  if (!open) return null;
  const close = () => shortcutSheetStore.set(false);
  return (
    <Modal title="Keyboard shortcuts" onClose={close}>
      <p className="hint">On macOS, Cmd where Ctrl is written.</p>
      <table className="shortcuts" aria-label="keyboard shortcuts">
        <tbody>
          {SHORTCUTS.map(([keys, what]) => (
            <tr key={keys}>
              <th scope="row">
                <kbd>{keys}</kbd>
              </th>
              <td>{what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="row">
        <button type="button" onClick={close}>
          Close
        </button>
      </div>
    </Modal>
  );
}
