/**
 * The Electron IPC transport: a `MessagePortLike` for one window, accepting messages from its main frame only.
 * Given the IPC object by `ipc-port.ts` (the one module that touches Electron's), so that it can be tested without
 * Electron.
 */
import type { BrowserWindow, IpcMain, IpcMainEvent } from 'electron';
import { IPC_CHANNEL, type MessagePortLike } from '../shared/rpc';

/** The part of ipcMain the port uses (given by the main process; a test gives its own). */
type IpcMainLike = Pick<IpcMain, 'on' | 'off'>;

export function windowPort(win: Pick<BrowserWindow, 'isDestroyed' | 'webContents'>, ipc: IpcMainLike): MessagePortLike {
  return {
    send(message) {
      if (!win.isDestroyed()) win.webContents.send(IPC_CHANNEL, message);
    },
    onMessage(listener) {
      const fn = (event: IpcMainEvent, message: unknown) => {
        // Every message must come from this window's own top frame, never from a subframe or another window.
        if (event.sender !== win.webContents || event.senderFrame !== win.webContents.mainFrame) return;
        if (typeof message === 'string') listener(message);
      };
      ipc.on(IPC_CHANNEL, fn);
      return () => ipc.off(IPC_CHANNEL, fn);
    },
  };
}
