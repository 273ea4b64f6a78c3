/**
 * The Electron main process: one window, the engine hosted in-process and served over IPC.
 */
import { app, BrowserWindow, dialog, safeStorage, shell } from 'electron';
import { join } from 'node:path';
import { serveApi } from '../shared/rpc';
import { validateApiArgs } from '../engine/api-args';
import { StudioService, type FileDialogs } from '../engine/service';
import { RunHistory } from '../engine/history';
import { defaultWorkspace, findPackageRoot } from '../engine/paths';
import { windowPort } from './ipc-port';
import { EncryptedFileSecretStore, setSecretStore } from '../engine/kafka/secrets';
import { studioWindowOptions } from './window-options';

const root = app.isPackaged ? process.resourcesPath : findPackageRoot(import.meta.dirname);
const PIPELINE_FILTERS = [{ name: 'Sluice pipelines', extensions: ['json'] }];

/** The system's open and save dialogs, over the focused studio window. */
const fileDialogs: FileDialogs = {
  async chooseOpen(defaultPath) {
    const win = BrowserWindow.getFocusedWindow();
    const options = { title: 'Open pipeline', defaultPath, filters: PIPELINE_FILTERS, properties: ['openFile' as const] };
    const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
    return r.canceled ? undefined : r.filePaths[0];
  },
  async chooseSave(defaultPath) {
    const win = BrowserWindow.getFocusedWindow();
    const options = { title: 'Save pipeline', defaultPath, filters: PIPELINE_FILTERS };
    const r = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
    return r.canceled ? undefined : r.filePath;
  },
};

// Connection secrets, encrypted with the system's key (Keychain, DPAPI, libsecret) in the app's data folder.
setSecretStore(
  new EncryptedFileSecretStore(join(app.getPath('userData'), 'secrets.json'), {
    available: () => safeStorage.isEncryptionAvailable(),
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (sealed) => safeStorage.decryptString(sealed),
  }),
);

const service = new StudioService({ resourcesDir: join(root, 'resources'), workspaceDir: defaultWorkspace(), fileDialogs, history: new RunHistory() });

function createWindow(): void {
  const win = new BrowserWindow(studioWindowOptions(join(import.meta.dirname, '../preload/index.cjs')));
  win.once('ready-to-show', () => win.show());
  // Nothing navigates away from the studio, and no new windows open inside the app.
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  // The page refuses to unload while it has unsaved changes; Electron shows no prompt of its own, so ask here.
  win.webContents.on('will-prevent-unload', (event) => {
    const choice = dialog.showMessageBoxSync(win, {
      type: 'question',
      title: 'Unsaved changes',
      message: 'This pipeline has unsaved changes. Close anyway and lose them?',
      buttons: ['Discard changes and close', 'Cancel'],
      defaultId: 1,
      cancelId: 1,
    });
    if (choice === 0) event.preventDefault();
  });
  const detach = serveApi(windowPort(win), service, service.events, validateApiArgs, service);
  win.on('closed', detach);
  if (process.env.ELECTRON_RENDERER_URL) void win.loadURL(process.env.ELECTRON_RENDERER_URL);
  else void win.loadFile(join(import.meta.dirname, '../renderer/index.html'));
}

app.enableSandbox();
void app.whenReady().then(() => {
  createWindow();
  app.on('activate', () => BrowserWindow.getAllWindows().length === 0 && createWindow());
});
app.on('window-all-closed', () => {
  void service.stop().then(() => process.platform !== 'darwin' && app.quit());
});
