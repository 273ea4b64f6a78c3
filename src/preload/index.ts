/**
 * The preload: exposes one narrow, typed port to the page, and nothing else.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_CHANNEL, type MessagePortLike } from '../shared/rpc';

const port: MessagePortLike = {
  send(message) {
    if (typeof message === 'string') ipcRenderer.send(IPC_CHANNEL, message);
  },
  onMessage(listener) {
    const fn = (_event: IpcRendererEvent, message: unknown) => {
      if (typeof message === 'string') listener(message);
    };
    ipcRenderer.on(IPC_CHANNEL, fn);
    return () => ipcRenderer.off(IPC_CHANNEL, fn);
  },
};

contextBridge.exposeInMainWorld('sluicePort', port);
