/**
 * The packaging configuration (electron-builder): Electron cannot be downloaded here, so CI checks the
 * configuration — as electron-builder reads and validates it — rather than building the packages.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DebugLogger } from 'builder-util';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { ROOT } from './helpers';

const load = () => getConfig(ROOT, join(ROOT, 'electron-builder.json'), null);

describe('the packaging configuration', () => {
  it('is valid as electron-builder reads it (its own schema), and a broken one is not', async () => {
    const config = await load();
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    // (Its validator coerces types, so a misspelt key is what it refuses: a fuse that would silently stay on.)
    await expect(
      validateConfiguration({ ...config, electronFuses: { runAsNodes: false } } as never, new DebugLogger(false)),
    ).rejects.toThrow(/configuration\.electronFuses/);
    await expect(
      validateConfiguration({ ...config, nsis: { oneClik: true } } as never, new DebugLogger(false)),
    ).rejects.toThrow(/configuration\.nsis/);
    await expect(validateConfiguration({ ...config, asar: 'yes' } as never, new DebugLogger(false))).rejects.toThrow(
      /configuration\.asar/,
    );
  });

  it('builds AppImage and deb for Linux, dmg for macOS, an NSIS installer for Windows', async () => {
    const c = await load();
    expect(c.linux?.target).toEqual(['AppImage', 'deb']);
    expect(c.mac?.target).toEqual(['dmg']);
    expect(c.win?.target).toEqual(['nsis']);
    // The deb brings what the engine runs: ffmpeg, redis-server, librdkafka for the development Kafka cluster, libsecret for safeStorage.
    expect(c.deb?.depends).toEqual(expect.arrayContaining(['ffmpeg', 'redis-server', 'librdkafka1', 'libsecret-1-0']));
  });

  it('flips the fuses: no ELECTRON_RUN_AS_NODE, NODE_OPTIONS or --inspect; the app only from its asar, checked; cookies encrypted', async () => {
    const c = await load();
    expect(c.asar).toBe(true);
    expect(c.electronFuses).toEqual(
      expect.objectContaining({
        runAsNode: false,
        enableNodeOptionsEnvironmentVariable: false,
        enableNodeCliInspectArguments: false,
        onlyLoadAppFromAsar: true,
        enableEmbeddedAsarIntegrityValidation: true,
        enableCookieEncryption: true,
      }),
    );
  });

  it('packs the built app (package.json’s main inside it) and the demo pipelines as resources', async () => {
    const c = await load();
    const main = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string }).main;
    expect(main).toBe('out/main/index.js');
    const files = (c.files as ({ filter?: string[] } | string)[]).flatMap((f) =>
      typeof f === 'string' ? [f] : (f.filter ?? []),
    );
    expect(files).toEqual(expect.arrayContaining(['out/**', 'package.json']));
    expect(c.extraResources).toEqual(
      expect.arrayContaining([expect.objectContaining({ from: 'resources', to: 'resources' })]),
    );
  });
});
