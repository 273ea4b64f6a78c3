/**
 * The Electron main process: one window, the engine hosted in-process and served over IPC.
 */
import { app, BrowserWindow, dialog, safeStorage, session, shell } from 'electron';
import { join } from 'node:path';

import { createStudioService, type FileDialogs, serveStudio } from '../engine/services/studio';
import { builtinRegistry } from '../engine/nodes/registry';
import { RunHistory } from '../engine/observe/history';
import { defaultWorkspace, findPackageRoot } from '../engine/support/paths';
import { studioPort } from './ipc-port';
import { EncryptedFileSecretStore, setSecretStore } from '../engine/secrets/store';
import { denyPermissions, guardWebContents, studioWindowOptions } from './window-options';

const root = app.isPackaged ? process.resourcesPath : findPackageRoot(import.meta.dirname);
const PIPELINE_FILTERS = [{ name: 'Sluice pipelines', extensions: ['json'] }];

/** The system's open and save dialogs, over the focused studio window. */
const fileDialogs: FileDialogs = {
  async chooseOpen(defaultPath) {
    const win = BrowserWindow.getFocusedWindow();
    const options = {
      title: 'Open pipeline',
      defaultPath,
      filters: PIPELINE_FILTERS,
      properties: ['openFile' as const],
    };
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

const service = createStudioService({
  registry: builtinRegistry,
  resourcesDir: join(root, 'resources'),
  workspaceDir: defaultWorkspace(),
  fileDialogs,
  history: new RunHistory(),
});

function createWindow(): void {
  // The options set contextIsolation, sandbox, no Node (test/window-options.test.ts); electronegativity cannot see
  // through the function call, hence: eng-disable CONTEXT_ISOLATION_JS_CHECK SANDBOX_JS_CHECK
  const win = new BrowserWindow(studioWindowOptions(join(import.meta.dirname, '../preload/index.cjs'))); // eng-disable CONTEXT_ISOLATION_JS_CHECK SANDBOX_JS_CHECK AUXCLICK_JS_CHECK
  win.once('ready-to-show', () => win.show());
  guardWebContents(win.webContents, (url) => void shell.openExternal(url)); // eng-disable OPEN_EXTERNAL_JS_CHECK (https links only: isExternalLink)
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
  const detach = serveStudio(studioPort(win), service);
  win.on('closed', detach);
  if (process.env.ELECTRON_RENDERER_URL) void win.loadURL(process.env.ELECTRON_RENDERER_URL);
  else void win.loadFile(join(import.meta.dirname, '../renderer/index.html'));
}

app.enableSandbox();
// Any web contents created later (none are, by design) gets the same guards.
app.on('web-contents-created', (_event, contents) => guardWebContents(contents, (url) => void shell.openExternal(url))); // eng-disable OPEN_EXTERNAL_JS_CHECK
void app.whenReady().then(() => {
  denyPermissions(session.defaultSession);
  createWindow();
  app.on('activate', () => BrowserWindow.getAllWindows().length === 0 && createWindow());
});
app.on('window-all-closed', () => {
  void service.stop().then(() => process.platform !== 'darwin' && app.quit());
});
