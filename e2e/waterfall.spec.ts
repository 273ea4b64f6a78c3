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
  await page.waitForTimeout(5000);
  await page.getByRole('button', { name: 'Latency' }).click();
  const fall = page.getByRole('dialog', { name: 'Latency waterfall' });
  const table = fall.getByRole('table', { name: 'waterfall' });
  // The event time's age at the source, every node on the batch's ways (late-gifts only sees late events), the acknowledgement.
  const stages = ['room', 'gifts', 'coins', 'gifts-by-room', 'coins-per-second', 'leaderboard', 'top-gifters', 'likes', 'likes-by-room', 'likes-5s', 'likes-board', 'likes-total', 'chat', 'chat-stream'];
  await expect(table.getByRole('row', { name: 'stage event time' })).toBeVisible({ timeout: 15_000 });
  for (const s of stages) await expect(table.getByRole('row', { name: `stage ${s}`, exact: true })).toBeVisible();
  await expect(table.getByRole('row', { name: 'stage acknowledged' })).toContainText(/\d+(\.\d+)? (ms|µs)/);
  // A window held it (until its watermark passed), for far longer than any operator took.
  const held = await table.getByRole('row', { name: 'stage coins-per-second', exact: true }).locator('td').nth(3).textContent();
  expect(held).toMatch(/^\d+ ms$/);
  expect(Number(held!.replace(' ms', ''))).toBeGreaterThan(100);
  await expect(fall.getByLabel('batch followed').locator('option').first()).toHaveText(/^#\d+ from room at [\d:]+ · \d+ nodes · (acknowledged after .+|not yet acknowledged)$/);
  await page.screenshot({ path: '.tmp/waterfall.png' });
});
