/**
 * The studio for the browser benchmarks: the built renderer (built first when missing), the web host on a free
 * port with a workspace of its own, and Debian's Chromium driven by Playwright.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { findPackageRoot } from '../src/engine/support/paths';

export const ROOT = findPackageRoot(import.meta.dirname);

export interface Studio {
  url: string;
  browser: Browser;
  close(): Promise<void>;
}

async function startHost(workspace: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/host/index.ts'), '--port', '0'], {
    cwd: ROOT,
    env: { ...process.env, SLUICE_WORKSPACE: workspace },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += String(d);
      const m = /^Open: (\S+)$/m.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the web host exited (${code}):\n${out}`)));
  });
  return { url, child };
}

export async function startStudio(workspace: string, chromiumArgs: string[] = []): Promise<Studio> {
  if (!existsSync(join(ROOT, 'out/renderer/index.html'))) {
    const b = spawnSync('npx', ['electron-vite', 'build'], { cwd: ROOT, stdio: 'ignore' });
    if (b.status !== 0) throw new Error('could not build the studio (npx electron-vite build)');
  }
  const { url, child } = await startHost(workspace);
  const browser = await chromium.launch({
    executablePath: process.env.SLUICE_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...chromiumArgs,
    ],
  });
  return {
    url,
    browser,
    async close() {
      await browser.close();
      child.kill('SIGTERM');
    },
  };
}

/** In a new page of the studio: open a pipeline from the workspace, select a node (its inspector shows the preview), run it. */
export async function openAndRun(studio: Studio, file: string, select: string): Promise<Page> {
  const page = await studio.browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(studio.url);
  await page.getByRole('group', { name: 'node room', exact: true }).waitFor();
  await page.getByRole('button', { name: 'Open…' }).click();
  await page
    .getByRole('dialog', { name: 'Open pipeline' })
    .getByRole('button', { name: `Open ${file}`, exact: true })
    .click();
  await page.getByRole('group', { name: `node ${select}`, exact: true }).click();
  await page.getByRole('button', { name: 'Run' }).click();
  return page;
}
