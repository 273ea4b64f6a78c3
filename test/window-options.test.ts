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
