/**
 * A stream ingest in the studio: where OBS points (server and key to copy), "waiting for a publisher" on the node,
 * then what the publisher sends, and waiting again when it goes. ffmpeg publishes as OBS would.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { inspector, node, openFile, stopLeftoverRun } from './helpers';
import { ownStudio } from './studio-host';
import { freePort } from '../src/engine/support/net';

ownStudio();
test.afterEach(stopLeftoverRun);

test('a stream ingest says where to publish, waits for its publisher, shows its stream, and waits again when it goes', async ({
  page,
}) => {
  const port = await freePort();
  const workspace = process.env.SLUICE_WORKSPACE!;
  const doc = {
    version: 1,
    name: 'ingest',
    nodes: [
      { id: 'obs', type: 'stream-ingest', position: { x: 0, y: 0 }, config: { port, streamKey: 'room-7' } },
      { id: 'enc', type: 'encoder', position: { x: 340, y: 0 }, config: { device: 'cpu', preset: 'ultrafast' } },
      { id: 'live', type: 'hls', position: { x: 680, y: 0 }, config: { dir: join(workspace, 'ingest-hls') } },
    ],
    edges: [
      { id: 'e1', from: { node: 'obs', port: 'video' }, to: { node: 'enc', port: 'in' } },
      { id: 'e2', from: { node: 'enc', port: 'out' }, to: { node: 'live', port: 'in' } },
    ],
  };
  writeFileSync(join(workspace, 'ingest.json'), JSON.stringify(doc));
  await page.goto(process.env.SLUICE_URL!);
  await openFile(page, 'ingest.json');
  await node(page, 'obs').click();
  const panel = inspector(page).getByRole('region', { name: 'ingest address' });
  await expect(panel.getByLabel('Server', { exact: true })).toHaveText(`rtmp://127.0.0.1:${port}/live`);
  await expect(panel.getByLabel('Stream key', { exact: true })).toHaveText('room-7');

  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByTestId('rate-obs')).toHaveText('waiting for a publisher', { timeout: 15_000 });

  const publisher = spawn(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '30', '-b:v', '600k', '-t', '5'],
      ...['-f', 'flv', `rtmp://127.0.0.1:${port}/live/room-7`],
    ],
    { stdio: 'ignore' },
  );
  try {
    await expect(page.getByTestId('rate-obs')).toHaveText(/^h264 640×360 30 fps · \d+ kb\/s in$/, {
      timeout: 15_000,
    });
    await expect(panel.getByRole('status', { name: 'ingest state' })).toContainText('h264 640×360');
    // The encoder's frame rate is the publisher's as it is now (not averaged over the wait before it came).
    await expect(page.getByTestId('rate-enc')).toHaveText(/^(2[4-9]|3[0-6]) fps/, { timeout: 10_000 });
    await page.screenshot({ path: 'test-results/ingest-live.png' });
    await new Promise((r) => publisher.once('exit', r));
    await expect(page.getByTestId('rate-obs')).toHaveText('waiting for a publisher', { timeout: 15_000 });
    await expect(page.getByRole('status', { name: 'run state' })).toHaveText('running');
  } finally {
    publisher.kill('SIGKILL');
  }
});

test('an encoder ladder: renditions edited as a table, each rendition’s fps and bitrate on the encoder, any rendition previewed', async ({
  page,
}) => {
  const workspace = process.env.SLUICE_WORKSPACE!;
  const doc = {
    version: 1,
    name: 'ladder',
    nodes: [
      {
        id: 'cam',
        type: 'test-pattern',
        position: { x: 0, y: 0 },
        config: { width: 640, height: 360, timestamp: false },
      },
      {
        id: 'enc',
        type: 'encoder',
        position: { x: 340, y: 0 },
        config: {
          device: 'cpu',
          preset: 'ultrafast',
          renditions: [
            { height: 360, bitrateKbps: 800 },
            { height: 240, bitrateKbps: 400 },
          ],
        },
      },
      { id: 'live', type: 'hls', position: { x: 680, y: 0 }, config: { dir: join(workspace, 'ladder-hls') } },
    ],
    edges: [
      { id: 'e1', from: { node: 'cam', port: 'video' }, to: { node: 'enc', port: 'in' } },
      { id: 'e2', from: { node: 'enc', port: 'out' }, to: { node: 'live', port: 'in' } },
    ],
  };
  writeFileSync(join(workspace, 'ladder.json'), JSON.stringify(doc));
  await page.goto(process.env.SLUICE_URL!);
  await openFile(page, 'ladder.json');
  await node(page, 'enc').click();
  const table = inspector(page).getByRole('table', { name: /Renditions/ });
  await expect(table.getByRole('row')).toHaveCount(3);
  // A third rung, begun as a copy of the one above it, made smaller.
  await inspector(page).getByRole('button', { name: '+ Add rendition' }).click();
  await table.getByLabel('Renditions row 3: Height', { exact: true }).fill('144');
  await table.getByLabel('Renditions row 3: Bitrate kbps', { exact: true }).fill('200');
  await table.getByLabel('Renditions row 3: Fps', { exact: true }).fill('15');
  await expect(table.getByRole('row')).toHaveCount(4);
  await expect(inspector(page).getByRole('alert')).toHaveCount(0);

  await page.getByRole('button', { name: 'Run' }).click();
  // Each rendition's frame rate and bitrate, as they come out, on the encoder.
  await expect(page.getByTestId('rate-enc')).toHaveText(
    /^360p \d+ fps [\d.]+ [kM]b\/s · 240p \d+ fps [\d.]+ [kM]b\/s · 144p 1[45](\.\d)? fps [\d.]+ kb\/s$/,
    { timeout: 20_000 },
  );
  const preview = inspector(page).getByRole('region', { name: 'preview' });
  await expect(preview.locator('.preview-info')).toContainText('640×360', { timeout: 15_000 });
  await preview.getByLabel('rendition').selectOption({ label: '144p · 200 kb/s · 15 fps' });
  await expect(preview.locator('.preview-info')).toContainText('256×144', { timeout: 15_000 });
  await page.screenshot({ path: 'test-results/ladder-preview.png' });
});

test('a stream-publish node says it is publishing, then that the receiver went away and why, and publishes again when it is back', async ({
  page,
}) => {
  const port = await freePort();
  const workspace = process.env.SLUICE_WORKSPACE!;
  const doc = {
    version: 1,
    name: 'publish',
    nodes: [
      { id: 'cam', type: 'test-pattern', position: { x: 0, y: 0 }, config: { width: 320, height: 240 } },
      { id: 'enc', type: 'encoder', position: { x: 340, y: 0 }, config: { device: 'cpu', preset: 'ultrafast' } },
      {
        id: 'cdn',
        type: 'stream-publish',
        position: { x: 680, y: 0 },
        config: { url: `rtmp://127.0.0.1:${port}/live`, streamKey: 'out', reconnectBackoffMs: 300 },
      },
    ],
    edges: [
      { id: 'e1', from: { node: 'cam', port: 'video' }, to: { node: 'enc', port: 'in' } },
      { id: 'e2', from: { node: 'enc', port: 'out' }, to: { node: 'cdn', port: 'in' } },
    ],
  };
  writeFileSync(join(workspace, 'publish.json'), JSON.stringify(doc));
  const receive = () =>
    spawn(
      'ffmpeg',
      [
        ...['-hide_banner', '-loglevel', 'error', '-listen', '1', '-f', 'flv'],
        ...['-i', `rtmp://127.0.0.1:${port}/live/out`, '-c', 'copy', '-f', 'null', '-'],
      ],
      { stdio: 'ignore' },
    );
  let receiver = receive();
  try {
    await page.goto(process.env.SLUICE_URL!);
    await openFile(page, 'publish.json');
    await page.getByRole('button', { name: 'Run' }).click();
    await expect(page.getByTestId('rate-cdn')).toHaveText(/^publishing · /, { timeout: 20_000 });
    receiver.kill('SIGKILL');
    await expect(page.getByTestId('rate-cdn')).toHaveText(/^not connected · /, { timeout: 15_000 });
    await expect(node(page, 'cdn').getByRole('img', { name: 'state reconnecting' })).toBeVisible();
    await page.getByRole('button', { name: /errors? in cdn: show the last$/ }).click();
    await expect(inspector(page).getByRole('region', { name: 'last error' })).toContainText(
      `rtmp://127.0.0.1:${port}/live/out`,
    );
    await expect(inspector(page).getByRole('region', { name: 'last error' })).toContainText('trying again in');
    receiver = receive();
    await expect(page.getByTestId('rate-cdn')).toHaveText(/^publishing · /, { timeout: 20_000 });
    // The encoder never stopped for the receiver.
    await expect(page.getByTestId('rate-enc')).toHaveText(/^\d+ fps/);
  } finally {
    receiver.kill('SIGKILL');
  }
});
