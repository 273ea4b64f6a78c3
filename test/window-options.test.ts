import { describe, expect, it } from 'vitest';
import { studioWindowOptions } from '../src/main/window-options';

describe('the Electron window is locked down', () => {
  it('isolates the page, sandboxes it and gives it no Node', () => {
    const o = studioWindowOptions('/app/preload/index.cjs');
    expect(o.webPreferences).toEqual(
      expect.objectContaining({
        preload: '/app/preload/index.cjs',
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
      }),
    );
  });
});

describe('the window’s guards', () => {
  /** A stand-in for WebContents: its listeners and window-open handler, to call as Electron would. */
  function fakeContents() {
    const listeners = new Map<
      string,
      (event: { preventDefault(): void; defaultPrevented?: boolean }, ...args: unknown[]) => void
    >();
    let openHandler: ((d: { url: string }) => { action: string }) | undefined;
    const contents = {
      on: (name: string, fn: never) => {
        listeners.set(name, fn);
        return contents;
      },
      setWindowOpenHandler: (fn: never) => (openHandler = fn),
    };
    const fire = (name: string) => {
      const event = { defaultPrevented: false, preventDefault: () => (event.defaultPrevented = true) };
      listeners.get(name)?.(event, 'https://evil.example/');
      return event.defaultPrevented;
    };
    return { contents, fire, open: (url: string) => openHandler!({ url }) };
  }

  it('refuses navigation, redirects and webviews; opens no window, sending only https links to the system browser', async () => {
    const { guardWebContents } = await import('../src/main/window-options');
    const f = fakeContents();
    const opened: string[] = [];
    guardWebContents(f.contents as never, (url) => opened.push(url));
    expect(f.fire('will-navigate')).toBe(true);
    expect(f.fire('will-redirect')).toBe(true);
    expect(f.fire('will-attach-webview')).toBe(true);
    for (const url of [
      'https://kafka.apache.org/documentation/',
      'http://example.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'sluice://x',
      'not a url',
    ]) {
      expect(f.open(url)).toEqual({ action: 'deny' });
    }
    expect(opened).toEqual(['https://kafka.apache.org/documentation/']);
  });

  it('asks for no web permission: every request and check is refused', async () => {
    const { denyPermissions } = await import('../src/main/window-options');
    let request: ((c: unknown, p: string, cb: (ok: boolean) => void) => void) | undefined;
    let check: ((...a: unknown[]) => boolean) | undefined;
    denyPermissions({
      setPermissionRequestHandler: (fn: never) => (request = fn),
      setPermissionCheckHandler: (fn: never) => (check = fn),
    } as never);
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      let granted: boolean | undefined;
      request!({}, p, (ok) => (granted = ok));
      expect(granted).toBe(false);
      expect(check!({}, p, 'file://', {})).toBe(false);
    }
  });

  it('turns off middle-click windows, navigation by drag and drop, and Node in subframes', () => {
    expect(studioWindowOptions('/p').webPreferences).toEqual(
      expect.objectContaining({
        disableBlinkFeatures: 'Auxclick',
        navigateOnDragDrop: false,
        nodeIntegrationInSubFrames: false,
        experimentalFeatures: false,
      }),
    );
  });
});

describe('the IPC port', () => {
  it('takes messages only from its own window’s main frame, and only strings', async () => {
    const { windowPort } = await import('../src/main/window-port');
    const handlers: ((event: unknown, message: unknown) => void)[] = [];
    const ipc = { on: (_c: string, fn: never) => void handlers.push(fn), off: () => undefined };
    const mainFrame = { name: 'main' };
    const webContents = { mainFrame, send: () => undefined };
    const port = windowPort({ isDestroyed: () => false, webContents } as never, ipc as never);
    const got: string[] = [];
    port.onMessage((m) => got.push(m));
    const deliver = (event: unknown, message: unknown) => handlers.forEach((h) => h(event, message));
    deliver({ sender: webContents, senderFrame: mainFrame }, 'from the studio');
    deliver({ sender: webContents, senderFrame: { name: 'an iframe' } }, 'from a subframe');
    deliver({ sender: { mainFrame: {} }, senderFrame: mainFrame }, 'from another window');
    deliver({ sender: webContents, senderFrame: mainFrame }, { not: 'a string' });
    expect(got).toEqual(['from the studio']);
  });
});
