/**
 * The one module of the main process that touches Electron's IPC object: the studio window's port over it.
 */
import { ipcMain, type BrowserWindow } from 'electron';
import type { MessagePortLike } from '../shared/rpc';
import { windowPort } from './window-port';

export const studioPort = (win: BrowserWindow): MessagePortLike => windowPort(win, ipcMain);
