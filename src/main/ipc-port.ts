/**
 * The Electron IPC transport: a `MessagePortLike` for one window, accepting messages from its main frame only.
 */
import { ipcMain, type BrowserWindow, type IpcMainEvent } from 'electron';
import { IPC_CHANNEL, type MessagePortLike } from '../shared/rpc';

export function windowPort(win: BrowserWindow): MessagePortLike {
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
      ipcMain.on(IPC_CHANNEL, fn);
      return () => ipcMain.off(IPC_CHANNEL, fn);
    },
  };
}
