/**
 * The studio window's options and guards: isolated, sandboxed, no Node in the page; no navigation, no new windows,
 * no webviews, no web permissions. Kept apart from the window itself so that they can be tested without Electron.
 */
import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';

export function studioWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    title: 'Sluice',
    backgroundColor: '#0f1318',
    show: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      // A middle click on a link would open a new window.
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
    },
  };
}

/** Only https links leave the app, to the system's browser; nothing else is opened. */
export const isExternalLink = (url: string): boolean => {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
};

type Guarded = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/**
 * Nothing navigates away from the studio, no window opens inside the app (an https link goes to the system's
 * browser), and no webview is attached.
 */
export function guardWebContents(contents: Guarded, openExternal: (url: string) => void): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalLink(url)) openExternal(url);
    return { action: 'deny' };
  });
}

/** The studio asks for no web permission (capture runs in ffmpeg, not the page): every request and check is refused. */
export function denyPermissions(
  session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>,
): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
