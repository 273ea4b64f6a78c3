/**
 * Start the real web host (built studio, real engine) on a free port and hand its URL to the tests.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export default async function globalSetup(): Promise<() => void> {
  const root = join(import.meta.dirname, '..');
  // A workspace of its own, so the tests never touch ~/Sluice; the tests read and write files there too.
  process.env.SLUICE_WORKSPACE = mkdtempSync(join(tmpdir(), 'sluice-e2e-ws-'));
  // Settings of its own too (Kafka profiles the tests add): never the user's.
  process.env.SLUICE_SETTINGS = join(mkdtempSync(join(tmpdir(), 'sluice-e2e-settings-')), 'settings.json');
  // And a run history of its own.
  process.env.SLUICE_HISTORY = mkdtempSync(join(tmpdir(), 'sluice-e2e-history-'));
  // (tsx by path: the host runs in a folder of its own, where `--import tsx` would not resolve.)
  const tsx = pathToFileURL(join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  const child = spawn(process.execPath, ['--import', tsx, join(root, 'src/host/index.ts'), '--port', '0'], {
    // A folder of its own: the demo archives its events under ./archive.
    cwd: mkdtempSync(join(tmpdir(), 'sluice-e2e-cwd-')),
    env: process.env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += String(d);
      const m = /^Open: (\S+)$/m.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the web host exited (${code}) before printing its URL:\n${out}`)));
  });
  process.env.SLUICE_URL = url;
  return () => child.kill('SIGTERM');
}
