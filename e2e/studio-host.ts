/**
 * Each spec file runs against a web host of its own (the built studio, the real engine), started on a free port
 * with a workspace, settings, run history and working folder of its own: a spec starts from its own state and
 * passes alone and in any order. The URL and folders are handed to the tests in SLUICE_URL, SLUICE_WORKSPACE,
 * SLUICE_SETTINGS and SLUICE_HISTORY.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from '@playwright/test';

const root = join(import.meta.dirname, '..');
const temp = (name: string) => mkdtempSync(join(tmpdir(), `sluice-e2e-${name}-`));

async function startHost(): Promise<ChildProcess> {
  // A workspace of its own, so the tests never touch ~/Sluice; the tests read and write files there too.
  process.env.SLUICE_WORKSPACE = temp('ws');
  // Settings of its own too (profiles the tests add): never the user's, nor another spec's.
  process.env.SLUICE_SETTINGS = join(temp('settings'), 'settings.json');
  process.env.SLUICE_HISTORY = temp('history');
  // (tsx by path: the host runs in a folder of its own, where `--import tsx` would not resolve.)
  const tsx = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  const child = spawn(process.execPath, ['--import', tsx, join(root, 'src/host/index.ts'), '--port', '0'], {
    // A folder of its own: the demo archives its events under ./archive.
    cwd: temp('cwd'),
    env: process.env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.env.SLUICE_URL = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += String(d);
      const m = /^Open: (\S+)$/m.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the web host exited (${code}) before printing its URL:\n${out}`)));
  });
  return child;
}

/** Give the spec file that calls it a web host of its own, for all its tests. */
export function ownStudio(): void {
  let host: ChildProcess | undefined;
  test.beforeAll(async () => {
    host = await startHost();
  });
  test.afterAll(async () => {
    if (!host || host.exitCode !== null) return;
    const exited = new Promise((r) => host!.once('exit', r));
    host.kill('SIGTERM');
    await exited;
  });
}
