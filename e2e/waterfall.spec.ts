/**
 * The latency waterfall: a batch of the running demo followed from its event time through every node to its
 * acknowledgement, every stage listed with its wire wait, processing and window hold.
 */
import { expect, test } from '@playwright/test';
import { stopLeftoverRun } from './helpers';

test.afterEach(stopLeftoverRun);

test('the waterfall lists every stage a batch of the demo went through, to its acknowledgement', async ({ page }) => {
  await page.goto(process.env.SLUICE_URL!);
  await expect(page.getByRole('group', { name: 'node room', exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByRole('status', { name: 'run state' })).toHaveText('running');
  // Windows hold a batch until their watermark passes (1 s windows, 500 ms behind): give it a few seconds.
  await page.waitForTimeout(3000);
  await page.getByRole('button', { name: 'Latency' }).click();
  const fall = page.getByRole('dialog', { name: 'Latency waterfall' });
  const table = fall.getByRole('table', { name: 'waterfall' });
  // A batch read from Kafka (the source of the operators' side): the event time's age when read, every node on its
  // ways (late-gifts only sees late events), the acknowledgement (once the archive's file rolls, every 10 s).
  // (What comes after a window — leaderboard, likes-board, late-gifts — goes on with the trace of whichever batch
  // its result was computed from last, so a given batch reaches some of them.)
  const stages = ['read', 'gifts', 'coins', 'gifts-by-room', 'coins-per-second', 'top-gifters', 'likes', 'likes-by-room', 'likes-5s', 'likes-total', 'chat', 'chat-stream', 'archive'];
  const batch = fall.getByLabel('batch followed');
  // The batch from Kafka, acknowledged, that reached the most nodes (a batch without a gift stops at the filter).
  await expect(async () => {
    const read = (await batch.locator('option').allTextContents()).filter((o) => /from read .* acknowledged after/.test(o));
    const widest = read.sort((a, b) => Number(/(\d+) nodes/.exec(b)![1]) - Number(/(\d+) nodes/.exec(a)![1]))[0];
    expect(Number(/(\d+) nodes/.exec(widest ?? '0 nodes')![1])).toBeGreaterThanOrEqual(stages.length + 1);
    await batch.selectOption({ label: widest! });
  }).toPass({ timeout: 40_000 });
  await expect(table.getByRole('row', { name: 'stage event time' })).toBeVisible();
  for (const s of stages) await expect(table.getByRole('row', { name: `stage ${s}`, exact: true })).toBeVisible();
  await expect(table.getByRole('row', { name: /^stage (leaderboard|likes-board|late-gifts)$/ }).first()).toBeVisible();
  await expect(table.getByRole('row', { name: 'stage acknowledged' })).toContainText(/\d+(\.\d+)? (ms|µs)/);
  // A window held it until its watermark passed (the window whose result went on with this batch's trace: the one
  // before the leaderboard, likes-board or late-gifts row above), for far longer than any operator took.
  const held = (await Promise.all(['coins-per-second', 'likes-5s'].map((w) => table.getByRole('row', { name: `stage ${w}`, exact: true }).locator('td').nth(3).textContent()))).filter((t) => t);
  expect(held.length).toBeGreaterThan(0);
  for (const h of held) {
    expect(h).toMatch(/^\d+ ms$/);
    expect(Number(h!.replace(' ms', ''))).toBeGreaterThan(100);
  }
  await expect(batch.locator('option').first()).toHaveText(/^#\d+ from (room|read) at [\d:]+ · \d+ nodes · (acknowledged after .+|not yet acknowledged)$/);
  await page.screenshot({ path: '.tmp/waterfall.png' });
});
