/**
 * The studio's video side: the encoder probe's chain, the fused group's ffmpeg command, and the live preview of an
 * encoded wire (Media Source Extensions in Debian's Chromium), against the real engine and ffmpeg.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { clickWire, handle, inspector, node, openEmpty, openFile, stopLeftoverRun } from './helpers';
import { ownStudio } from './studio-host';

ownStudio();

const url = () => process.env.SLUICE_URL!;
const workspace = () => process.env.SLUICE_WORKSPACE!;

test.afterEach(stopLeftoverRun);

/** test-pattern → encoder → media-file, as a workspace file. */
function cameraToFile(file: string, encoder: Record<string, unknown> = {}, pattern: Record<string, unknown> = {}) {
  const out = join(workspace(), file.replace(/\.json$/, '.mp4'));
  const doc = {
    version: 1,
    name: 'Camera to file',
    nodes: [
      { id: 'camera', type: 'test-pattern', position: { x: 0, y: 0 }, config: { width: 640, height: 360, ...pattern } },
      { id: 'h264', type: 'encoder', position: { x: 320, y: 0 }, config: { gopFrames: 60, ...encoder } },
      { id: 'recording', type: 'media-file', position: { x: 640, y: 0 }, config: { path: out } },
    ],
    edges: [
      { id: 'e1', from: { node: 'camera', port: 'video' }, to: { node: 'h264', port: 'in' } },
      { id: 'e2', from: { node: 'h264', port: 'out' }, to: { node: 'recording', port: 'in' } },
    ],
  };
  writeFileSync(join(workspace(), file), JSON.stringify(doc));
  return out;
}

test('an encoder says which encoder it gets on this machine and why, with every candidate and ffmpeg’s reasons', async ({
  page,
}) => {
  await openEmpty(page);
  await page.getByRole('button', { name: 'Add Encoder (encoder)' }).dblclick();
  const chain = page.getByRole('region', { name: 'encoder on this machine' });
  const candidates = chain.getByRole('list', { name: 'encoder candidates' }).getByRole('listitem');
  await expect(candidates).toHaveCount(6, { timeout: 30_000 });
  const names = await candidates.locator('code').allTextContents();
  expect(names).toEqual(['h264_nvenc', 'h264_qsv', 'h264_vaapi', 'h264_videotoolbox', 'h264_amf', 'libx264']);
  // Whatever the machine: the software encoder works; every candidate that fails says why, in ffmpeg's words.
  await expect(chain.getByRole('listitem', { name: 'libx264 works' })).toBeVisible();
  for (const failed of await chain.getByRole('listitem', { name: / fails$/ }).all())
    await expect(failed.locator('.reason')).toHaveText(/\w{4,}/);
  const gpuWorks = (await chain.getByRole('listitem', { name: /^h264_\w+ works$/ }).count()) > 0;
  const choice = chain.getByTestId('encoder-choice');
  const badge = node(page, 'encoder').getByTestId('encoder-badge');
  if (!gpuWorks) {
    await expect(choice).toHaveText('Uses libx264 (software): no GPU encoder works here.');
    await expect(badge).toHaveText('libx264 · software');
    // Asking for the GPU where none works is an error, in the inspector and on the node, before anything runs.
    await inspector(page).getByLabel('device').selectOption('gpu');
    await expect(chain.getByRole('alert')).toContainText('no GPU encoder for h264 works on this machine (h264_nvenc: ');
    await expect(badge).toHaveText('no encoder: see inspector');
  }
  // H.265 has its own chain; the output port's type follows the codec.
  await inspector(page).getByLabel('codec').selectOption('hevc');
  await expect(candidates.locator('code')).toHaveText([
    'hevc_nvenc',
    'hevc_qsv',
    'hevc_vaapi',
    'hevc_videotoolbox',
    'hevc_amf',
    'libx265',
  ]);
  await expect(handle(page, 'encoder output out (video/encoded(hevc))')).toBeVisible();
});

test('a media node shows the exact ffmpeg command of its fused group, and exports it as a script', async ({ page }) => {
  const out = cameraToFile('media.json');
  await page.goto(url());
  await expect(page.getByRole('group', { name: 'node room', exact: true })).toBeVisible();
  await openFile(page, 'media.json');
  await node(page, 'recording').click();
  const section = inspector(page).getByRole('region', { name: 'ffmpeg command' });
  await section.getByRole('button', { name: 'Show ffmpeg command' }).click();
  const command = section.getByTestId('ffmpeg-command');
  await expect(command).toContainText('-f lavfi -i ');
  await expect(command).toContainText('testsrc2=size=640x360:rate=30');
  await expect(command).toContainText('-c:v libx264');
  await expect(command).toContainText('-g 60 -keyint_min 60');
  await expect(command).toContainText(out);
  await expect(section).toContainText('One process for “camera”, “h264”, “recording”');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    section.getByRole('button', { name: 'Export as script' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('recording-ffmpeg.sh');
  const text = readFileSync(await download.path(), 'utf8');
  expect(text.startsWith('#!/bin/sh\n')).toBe(true);
  expect(text).toContain('exec "${FFMPEG:-ffmpeg}" -hide_banner');

  // A chain that cannot run says why instead.
  await node(page, 'h264').click();
  await inspector(page).getByLabel('device').selectOption('gpu');
  await node(page, 'camera').click();
  await section.getByRole('button', { name: 'Show ffmpeg command' }).click();
  const gpuWorks = (await page.getByTestId('encoder-badge').textContent())?.includes('GPU');
  if (!gpuWorks)
    await expect(section.getByRole('alert')).toContainText('no GPU encoder for h264 works on this machine');
});

/** Open a workspace file and run it. */
async function openAndRun(page: Page, file: string): Promise<void> {
  await page.goto(url());
  await expect(page.getByRole('group', { name: 'node room', exact: true })).toBeVisible();
  await openFile(page, file);
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByRole('status', { name: 'run state' })).toContainText('running');
}

/** The video element's playback position, size and readiness. */
const playback = (video: Locator) =>
  video.evaluate((v: HTMLVideoElement) => ({
    time: v.currentTime,
    width: v.videoWidth,
    height: v.videoHeight,
    ready: v.readyState,
  }));

test('selecting an encoded wire while running plays it live in the inspector, with its latency behind capture', async ({
  page,
}) => {
  cameraToFile('preview.json');
  await openAndRun(page, 'preview.json');
  await clickWire(page, 'e2');
  await expect(inspector(page)).toContainText('Wire · e2');
  const preview = inspector(page).getByRole('region', { name: 'preview' });
  const video = preview.locator('video');
  await expect(preview.locator('.preview-codec')).toHaveText(/^avc1\.[0-9a-f]{6}$/);
  await expect(preview).toContainText('640×360');
  // It plays: the size is the wire's and the position moves on.
  await expect.poll(async () => (await playback(video)).width, { timeout: 15_000 }).toBe(640);
  expect((await playback(video)).height).toBe(360);
  const t0 = (await playback(video)).time;
  await expect.poll(async () => (await playback(video)).time, { timeout: 10_000 }).toBeGreaterThan(t0 + 1);
  await expect(preview.locator('.preview-latency')).toHaveText(/^\d+ ms behind capture$/);
  await page.screenshot({ path: '.tmp/preview.png' });
  // Stopping ends the stream; the player says so.
  await page.getByRole('banner').getByRole('button', { name: 'Stop' }).click();
  await expect(preview).toContainText('Run the pipeline to watch this stream here.');
});

test('an H.265 wire is previewed through an H.264 proxy, and says so', async ({ page }) => {
  cameraToFile('preview-hevc.json', { codec: 'hevc' });
  await openAndRun(page, 'preview-hevc.json');
  await node(page, 'h264').click();
  const preview = inspector(page).getByRole('region', { name: 'preview' });
  await expect(preview.locator('.preview-proxy')).toHaveText(
    'Shown as an H.264 proxy of the H.265 stream (browsers here cannot play H.265).',
  );
  await expect(preview.locator('.preview-codec')).toHaveText(/^avc1\./);
  await expect.poll(async () => (await playback(preview.locator('video'))).width, { timeout: 15_000 }).toBe(640);
  // The proxy is small: 360 lines high.
  expect((await playback(preview.locator('video'))).height).toBe(360);
});

test('a wire that carries no video has no preview; a record wire keeps its queue settings', async ({ page }) => {
  cameraToFile('preview-raw.json');
  await page.goto(url());
  await openFile(page, 'preview-raw.json');
  await clickWire(page, 'e1');
  await expect(inspector(page)).toContainText('A media wire: what it carries stays inside the group’s ffmpeg process');
  await expect(inspector(page).getByRole('region', { name: 'preview' })).toHaveCount(0);
  await expect(inspector(page).getByLabel('Overflow policy')).toHaveCount(0);
});

test('a camera node lists the cameras this machine has (or says it has none) and uses one in a click', async ({
  page,
}) => {
  await openEmpty(page);
  await page.getByRole('button', { name: 'Add Camera (camera)' }).dblclick();
  const devices = inspector(page).getByRole('region', { name: 'capture devices' });
  await expect(devices.getByRole('heading')).toHaveText('Cameras on this machine');
  const listed = devices.getByRole('listitem');
  await expect(listed.or(devices.getByText('No V4L2 camera found on this machine'))).not.toHaveCount(0);
  if ((await listed.count()) > 0) {
    const device = await listed.first().locator('code').textContent();
    await listed
      .first()
      .getByRole('button', { name: `Use ${device}` })
      .click();
    await expect(inspector(page).getByLabel('device')).toHaveValue(device!);
  }
  // A screen node offers the engine's X display, if it has one.
  await page.getByRole('button', { name: 'Add Screen (screen)' }).dblclick();
  await expect(devices.getByRole('heading')).toHaveText('Displays');
});
