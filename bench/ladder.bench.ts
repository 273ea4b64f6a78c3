/**
 * Live video as a platform carries it (issue 24), two measures:
 *
 * 1. Ladder throughput: 1080p30 testsrc2 → three renditions (1080p 4500k, 720p 2500k, 360p 800k; libx264 veryfast,
 *    keyframes every 2 s) → HLS with a master playlist, run as a Sluice pipeline (test-pattern → encoder with
 *    renditions → hls, through the engine) against the same ladder typed by hand as one ffmpeg command, interleaved
 *    in the same run. Goal: Sluice's fps ≥ 0.95 × by hand.
 * 2. Ingest to preview: an RTMP publisher (ffmpeg as OBS: a live 1280×720 30 fps picture with its clock burned in,
 *    libx264 veryfast zerolatency) → stream-ingest → encoder → the studio's preview in Chromium; each shown frame's
 *    clock read back from the picture. Goal: p50 < 800 ms. It counts everything from the publisher's encoder to the
 *    eye (the publisher's own start-up delay included, so it errs high).
 *
 * `--quick`: small pictures, few frames, a few seconds (CI smoke; asserts no timing).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { PipelineDocument } from '../src/shared/document';
import { ffmpegPath } from '../src/engine/media/ffmpeg';
import { freePort } from '../src/engine/support/net';
import { clockCodeLayout, testPatternInput } from '../src/engine/media/inputs';
import { q, readBurnedClock } from './burned-clock';
import { openAndRun, startStudio } from './studio';
import { median, timeByHand, timeSluice } from './media-timing';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const QUICK = values.quick;
const FRAMES = QUICK ? 60 : 300;
const [WIDTH, HEIGHT] = QUICK ? [640, 360] : [1920, 1080];
const LADDER = QUICK
  ? [
      { height: 360, bitrateKbps: 800 },
      { height: 240, bitrateKbps: 400 },
      { height: 144, bitrateKbps: 200 },
    ]
  : [
      { height: 1080, bitrateKbps: 4500 },
      { height: 720, bitrateKbps: 2500 },
      { height: 360, bitrateKbps: 800 },
    ];
const RUNS = QUICK ? 1 : 3;
const MEASURE_MS = QUICK ? 3000 : 12_000;
const [PUB_W, PUB_H] = QUICK ? [640, 360] : [1280, 720];

const dir = mkdtempSync(join(tmpdir(), 'sluice-ladder-bench-'));

function ladderDoc(out: string): PipelineDocument {
  return {
    version: 1,
    name: 'ladder bench',
    nodes: [
      {
        id: 'camera',
        type: 'test-pattern',
        position: { x: 0, y: 0 },
        config: { width: WIDTH, height: HEIGHT, rate: 30, frames: FRAMES, timestamp: false, realtime: false },
      },
      {
        id: 'ladder',
        type: 'encoder',
        position: { x: 300, y: 0 },
        config: { device: 'cpu', preset: 'veryfast', rateControl: 'vbr', lowLatency: false, renditions: LADDER },
      },
      { id: 'hls', type: 'hls', position: { x: 600, y: 0 }, config: { dir: out, segmentSeconds: 2 } },
    ],
    edges: [
      { id: 'e1', from: { node: 'camera', port: 'video' }, to: { node: 'ladder', port: 'in' } },
      { id: 'e2', from: { node: 'ladder', port: 'out' }, to: { node: 'hls', port: 'in' } },
    ],
  };
}

/** The same ladder as a person would type it (after ffmpeg's HLS documentation), one command. */
function byHand(out: string): string[] {
  const n = LADDER.length;
  const graph = [
    `[0:v]split=${n}${LADDER.map((_, i) => `[s${i}]`).join('')}`,
    ...LADDER.map((r, i) => `[s${i}]scale=-2:${r.height}[v${i}]`),
  ].join(';');
  const perRendition = LADDER.flatMap((r, i) => [
    ...['-map', `[v${i}]`, `-c:v:${i}`, 'libx264', `-b:v:${i}`, `${r.bitrateKbps}k`],
    ...[`-maxrate:v:${i}`, `${Math.round(r.bitrateKbps * 1.5)}k`, `-bufsize:v:${i}`, `${2 * r.bitrateKbps}k`],
  ]);
  return [
    ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc2=size=${WIDTH}x${HEIGHT}:rate=30`],
    ...['-filter_complex', graph, ...perRendition],
    ...['-preset', 'veryfast', '-g', '60', '-keyint_min', '60', '-sc_threshold', '0', '-pix_fmt', 'yuv420p'],
    ...['-frames:v', String(FRAMES), '-f', 'hls', '-hls_time', '2', '-hls_list_size', '0'],
    ...['-var_stream_map', LADDER.map((_, i) => `v:${i}`).join(' '), '-master_pl_name', 'master.m3u8'],
    ...['-hls_segment_filename', join(out, 'v%v/segment-%05d.ts'), '-y', join(out, 'v%v/index.m3u8')],
  ];
}

const fps = (ms: number) => FRAMES / (ms / 1000);

async function ladder(): Promise<string[]> {
  const hand: number[] = [];
  const ours: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    hand.push(fps(await timeByHand(byHand(join(dir, `hand-${i}`)))));
    ours.push(fps(await timeSluice(ladderDoc(join(dir, `sluice-${i}`)))));
  }
  const f = (x: number) => `${x.toFixed(1)} fps`;
  const rungs = LADDER.map((r) => `${r.height}p ${r.bitrateKbps}k`).join(', ');
  return [
    `ladder — ${WIDTH}×${HEIGHT} testsrc2 → ${rungs} (libx264 veryfast) → HLS + master playlist, ${FRAMES} frames, median of ${RUNS} interleaved runs`,
    `  by hand: ${f(median(hand))} (${hand.map(f).join(', ')})`,
    `  Sluice:  ${f(median(ours))} (${ours.map(f).join(', ')})`,
    `  ratio Sluice / by hand: ${(median(ours) / median(hand)).toFixed(3)}× (goal ≥ 0.95×)`,
  ];
}

async function ingestLatency(): Promise<string[]> {
  const workspace = mkdtempSync(join(tmpdir(), 'sluice-ingest-bench-'));
  const port = await freePort();
  const code = clockCodeLayout(PUB_W, PUB_H)!;
  writeFileSync(
    join(workspace, 'ingest.json'),
    JSON.stringify({
      version: 1,
      name: 'Ingest latency',
      nodes: [
        { id: 'obs', type: 'stream-ingest', position: { x: 0, y: 0 }, config: { port, streamKey: 'bench' } },
        { id: 'h264', type: 'encoder', position: { x: 340, y: 0 }, config: { device: 'cpu', preset: 'veryfast' } },
        { id: 'rec', type: 'media-file', position: { x: 680, y: 0 }, config: { path: join(workspace, 'rec.mp4') } },
      ],
      edges: [
        { id: 'e1', from: { node: 'obs', port: 'video' }, to: { node: 'h264', port: 'in' } },
        { id: 'e2', from: { node: 'h264', port: 'out' }, to: { node: 'rec', port: 'in' } },
      ],
    }),
  );
  const studio = await startStudio(workspace);
  const seconds = (MEASURE_MS + 15_000) / 1000;
  let publisher: ReturnType<typeof spawn> | undefined;
  try {
    const page = await openAndRun(studio, 'ingest.json', 'h264');
    await page.getByTestId('rate-obs').getByText('waiting for a publisher').waitFor({ timeout: 30_000 });
    // The publisher: OBS's part played by ffmpeg, its clock burned in from the moment it starts.
    const source = testPatternInput(
      { width: PUB_W, height: PUB_H, rate: 30, timestamp: true, clockCode: true, audio: false, realtime: true },
      Date.now(),
    );
    publisher = spawn(
      ffmpegPath(),
      [
        ...['-hide_banner', '-loglevel', 'error', ...source.args, '-t', String(seconds)],
        ...['-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-g', '30', '-b:v', '2500k'],
        ...['-f', 'flv', `rtmp://127.0.0.1:${port}/live/bench`],
      ],
      { stdio: 'ignore' },
    );
    const video = page.getByRole('region', { name: 'preview' }).locator('video');
    await page.waitForFunction(
      () => (document.querySelector('.preview video') as HTMLVideoElement | null)?.videoWidth,
      undefined,
      { timeout: 30_000 },
    );
    await page.waitForTimeout(2000); // the first second or two: the player settling
    const samples = await readBurnedClock(video, code, MEASURE_MS);
    await page.getByRole('banner').getByRole('button', { name: 'Stop' }).click();
    const b = samples.burned;
    const ms = (n: number) => `${Math.round(n)} ms`;
    return [
      `ingest to preview — RTMP publisher ${PUB_W}×${PUB_H} 30 fps (ffmpeg as OBS, x264 veryfast zerolatency) → stream-ingest → libx264 veryfast → fMP4 → WebSocket → MSE, Chromium ${studio.browser.version()}, ${MEASURE_MS / 1000} s`,
      `  frames read: ${b.length} (unreadable: ${samples.unreadable})`,
      `  publisher's clock to display: p50 ${ms(q(b, 0.5))}, p95 ${ms(q(b, 0.95))}, max ${ms(Math.max(...b))} (goal p50 < 800 ms)`,
    ];
  } finally {
    publisher?.kill('SIGKILL');
    await studio.close();
    rmSync(workspace, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const lines = ['Sluice live video benchmark (issue 24)', ...(await ladder()), ...(await ingestLatency()), ''];
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(lines.join('\n'));
}

await main();
