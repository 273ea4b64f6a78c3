/**
 * Where Sluice's files are: the package root (for resources) and the default workspace.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** Walk up from `start` to the folder whose package.json names this package. */
export function findPackageRoot(start: string): string {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'sluice') return dir;
    if (dirname(dir) === dir) throw new Error(`cannot find the sluice package root above ${start}`);
  }
}

/** The default workspace folder for pipelines: $SLUICE_WORKSPACE, else ~/Sluice/pipelines. */
export function defaultWorkspace(): string {
  return process.env.SLUICE_WORKSPACE ?? join(homedir(), 'Sluice', 'pipelines');
}
