/**
 * The latency waterfall: a batch of the running demo followed from its event time through every node to its
 * acknowledgement, every stage listed with its wire wait, processing and window hold.
 */
import { expect, test } from '@playwright/test';
import { stopLeftoverRun } from './helpers';
import { ownStudio } from './studio-host';

ownStudio();

test.afterEach(stopLeftoverRun);

test('the waterfall lists every stage a batch of the demo went through, to its acknowledgement', async ({ page }) => {
  await page.goto(process.env.SLUICE_URL!);
  await expect(page.getByRole('group', { name: 'node room', exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByRole('status', { name: 'run state' })).toHaveText('running');
  // Windows hold a batch until their watermark passes (1 s windows, 500 ms behind): give it a few seconds.
  await page.waitForTimeout(3000);
  await page.getByRole('button', { name: 'Latency' }).click();
  const fall = page.getByRole('region', { name: 'Latency waterfall' });
  const table = fall.getByRole('table', { name: 'waterfall' });
  // A batch read from Kafka (the source of the operators' side): the event time's age when read, every node on its
  // ways (late-gifts only sees late events), the acknowledgement (once the archive's file rolls, every 10 s).
  // (What comes after a window — leaderboard, likes-board, late-gifts — goes on with the trace of whichever batch
  // its result was computed from last, so a given batch reaches some of them.)
  const stages = [
    'read',
    'gifts',
    'coins',
    'gifts-by-room',
    'coins-per-second',
    'top-gifters',
    'likes',
    'likes-by-room',
    'likes-5s',
    'likes-total',
    'chat',
    'chat-stream',
    'archive',
  ];
  const batch = fall.getByLabel('batch followed');
  // The batch from Kafka, acknowledged, that reached the most nodes (a batch without a gift stops at the filter).
  await expect(async () => {
    const read = (await batch.locator('option').allTextContents()).filter((o) =>
      /from read .* acknowledged after/.test(o),
    );
    const widest = read.sort((a, b) => Number(/(\d+) nodes/.exec(b)![1]) - Number(/(\d+) nodes/.exec(a)![1]))[0];
    expect(Number(/(\d+) nodes/.exec(widest ?? '0 nodes')![1])).toBeGreaterThanOrEqual(stages.length + 1);
    await batch.selectOption({ label: widest! });
  }).toPass({ timeout: 40_000 });
  await expect(table.getByRole('row', { name: 'stage event time' })).toBeVisible();
  for (const s of stages) await expect(table.getByRole('row', { name: `stage ${s}`, exact: true })).toBeVisible();
  await expect(table.getByRole('row', { name: /^stage (leaderboard|likes-board|late-gifts)$/ }).first()).toBeVisible();
  await expect(table.getByRole('row', { name: 'stage acknowledged' })).toContainText(/\d+(\.\d+)? (ms|µs)/);
  // A window held it until its watermark passed (the window whose result went on with this batch's trace: the one
  // before the leaderboard, likes-board or late-gifts row above). How long depends on where in the window the batch
  // fell (a batch that itself moved the watermark on is held only while the window fires), so: a time, and a bar.
  const heldRows = ['coins-per-second', 'likes-5s'].map((w) =>
    table.getByRole('row', { name: `stage ${w}`, exact: true }),
  );
  const held = (await Promise.all(heldRows.map((r) => r.locator('td').nth(3).textContent()))).filter((t) => t);
  expect(held.length).toBeGreaterThan(0);
  for (const h of held) expect(h).toMatch(/^\d+(\.\d+)? (ms|µs)$/);
  expect(await Promise.all(heldRows.map((r) => r.locator('.wf-held').count()))).toContain(1);
  await expect(batch.locator('option').first()).toHaveText(
    /^#\d+ from (room|read) at [\d:]+ · \d+ nodes · (acknowledged after .+|not yet acknowledged)$/,
  );
  await page.screenshot({ path: '.tmp/waterfall.png' });
  // Video: fragments out of the packager, followed from the capture of their first frame (the test pattern and the
  // encoder are one ffmpeg process) to the Kafka topic that acknowledged them.
  await expect(async () => {
    const video = (await batch.locator('option').allTextContents()).find((o) =>
      /from chunks .* video frame at \d+\.\d{3} s .* acknowledged after/.test(o),
    );
    expect(video).toBeTruthy();
    await batch.selectOption({ label: video! });
  }).toPass({ timeout: 20_000 });
  await expect(table.getByRole('row', { name: 'stage capture' })).toContainText(
    'captured by camera → encoded by h264 → chunks',
  );
  await expect(table.getByRole('row', { name: 'stage capture' }).locator('td').nth(2)).toHaveText(/^\d+ ms$/);
  for (const s of ['chunks', 'video-topic'])
    await expect(table.getByRole('row', { name: `stage ${s}`, exact: true })).toBeVisible();
  await expect(table.getByRole('row', { name: 'stage acknowledged' })).toContainText(/\d+(\.\d+)? (ms|µs)/);
  await page.screenshot({ path: '.tmp/waterfall-video.png' });
});
