/// <reference lib="dom" />
/**
 * Glass-to-glass preview latency: a live 1280×720 30 fps test pattern, encoded (libx264 veryfast, low latency),
 * previewed in the studio (web host, Debian Chromium, Media Source Extensions). For every frame the page shows, the
 * clock burned into that frame (a code of squares under the digits, see clockCodeLayout) is read back from the
 * picture and set against the wall-clock time the frame is displayed: capture → encode → fMP4 → WebSocket →
 * MSE → decode → display, everything between the camera and the eye.
 *
 * Both ends read the same system clock (ffmpeg's frames are due at the run's start plus their time; the page's
 * Date.now()). The studio's own figure (start + media time) is printed beside it as a check.
 * Goal (issue 6): p50 < 500 ms, p95 reported. `--quick`: a small picture for a few seconds (CI smoke).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { clockCodeLayout } from '../src/engine/media/inputs';
import { openAndRun, startStudio } from './studio';
import { q, readBurnedClock } from './burned-clock';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const [WIDTH, HEIGHT] = values.quick ? [640, 360] : [1280, 720];
const MEASURE_MS = values.quick ? 3000 : 15_000;
const WARMUP_MS = 2000;

async function main(): Promise<void> {
  const workspace = mkdtempSync(join(tmpdir(), 'sluice-preview-bench-'));
  const code = clockCodeLayout(WIDTH, HEIGHT)!;
  writeFileSync(
    join(workspace, 'live.json'),
    JSON.stringify({
      version: 1,
      name: 'Preview latency',
      nodes: [
        {
          id: 'camera',
          type: 'test-pattern',
          position: { x: 0, y: 0 },
          config: { width: WIDTH, height: HEIGHT, rate: 30, clockCode: true },
        },
        { id: 'h264', type: 'encoder', position: { x: 320, y: 0 }, config: { device: 'cpu', preset: 'veryfast' } },
        {
          id: 'recording',
          type: 'media-file',
          position: { x: 640, y: 0 },
          config: { path: join(workspace, 'live.mp4') },
        },
      ],
      edges: [
        { id: 'e1', from: { node: 'camera', port: 'video' }, to: { node: 'h264', port: 'in' } },
        { id: 'e2', from: { node: 'h264', port: 'out' }, to: { node: 'recording', port: 'in' } },
      ],
    }),
  );
  const studio = await startStudio(workspace);
  try {
    const page = await openAndRun(studio, 'live.json', 'h264');
    const video = page.getByRole('region', { name: 'preview' }).locator('video');
    await page.waitForFunction(
      () => (document.querySelector('.preview video') as HTMLVideoElement | null)?.videoWidth,
      undefined,
      { timeout: 30_000 },
    );
    await page.waitForTimeout(WARMUP_MS);
    const samples = await readBurnedClock(video, code, MEASURE_MS);
    const version = studio.browser.version();
    await page.getByRole('banner').getByRole('button', { name: 'Stop' }).click();
    const f = (n: number) => `${Math.round(n)} ms`;
    const b = samples.burned;
    const diffs = b.map((x, i) => Math.abs(x - (samples.studio[i] ?? x)));
    process.stdout.write(
      [
        `Sluice preview latency — ${WIDTH}×${HEIGHT} 30 fps test pattern → libx264 veryfast (low latency) → fMP4 per frame → WebSocket → MSE, Chromium ${version}, ${MEASURE_MS / 1000} s`,
        `frames read: ${b.length} (unreadable codes: ${samples.unreadable})`,
        `glass to glass (burned-in clock read from the shown picture): p50 ${f(q(b, 0.5))}, p95 ${f(q(b, 0.95))}, p99 ${f(q(b, 0.99))}, max ${f(Math.max(...b))} (goal p50 < 500 ms)`,
        `the studio's figure (start + media time) p50 ${f(q(samples.studio, 0.5))}; differs from the burned-in reading by ${f(q(diffs, 0.5))} (median)`,
        '',
      ].join('\n'),
    );
  } finally {
    await studio.close();
  }
}

await main();
