// `npm start`: open the studio in Electron where its binary is present; otherwise start the web host with the demo
// pipeline running, and print the URL and why.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The Electron binary, read the way the electron package does — without its fallback download. */
function electronBinary() {
  const pkg = join(root, 'node_modules', 'electron');
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH)
    return { path: join(process.env.ELECTRON_OVERRIDE_DIST_PATH, 'electron') };
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile))
    return { why: 'node_modules/electron/path.txt is missing (installed with ELECTRON_SKIP_BINARY_DOWNLOAD)' };
  const bin = join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? { path: bin } : { why: `${bin} is missing` };
}

const build = spawnSync(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
  cwd: root,
  stdio: 'inherit',
});
if (build.status !== 0) process.exit(build.status ?? 1);

const electron = electronBinary();
const display = process.platform !== 'linux' || process.env.DISPLAY || process.env.WAYLAND_DISPLAY;
if (electron.path && display) {
  const child = spawn(electron.path, [root], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  const why = electron.path
    ? 'Electron is installed but there is no display; starting the web host instead.'
    : `Electron's binary is not installed here (${electron.why}); starting the web host instead — open the URL below in a browser.`;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'src/host/index.ts'), '--run-demo', '--why', why],
    { cwd: root, stdio: 'inherit' },
  );
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code) => process.exit(code ?? 0));
}
