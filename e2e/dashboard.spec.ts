/**
 * The dashboard: the running demo's figures as charts over 1/5/15 minutes, paused, hovered for exact values, exported
 * as CSV (the series shown) and PNG; runs kept in the history are reopened and compared.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { stopLeftoverRun } from './helpers';
import { ownStudio } from './studio-host';

ownStudio();

test.afterEach(stopLeftoverRun);

async function download(page: Page, click: () => Promise<void>): Promise<{ name: string; data: Buffer }> {
  const [d] = await Promise.all([page.waitForEvent('download'), click()]);
  return { name: d.suggestedFilename(), data: readFileSync((await d.path())!) };
}

test('the dashboard charts the running demo, exports CSV and PNG, pauses, and reopens and compares kept runs', async ({
  page,
}) => {
  await page.goto(process.env.SLUICE_URL!);
  await expect(page.getByRole('group', { name: 'node room', exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByRole('status', { name: 'run state' })).toHaveText('running');
  await page.getByRole('button', { name: 'Dashboard' }).click();
  const dash = page.getByRole('region', { name: 'Dashboard' });
  const throughput = dash.getByRole('region', { name: 'Throughput' });
  // A point a second: lines appear within seconds, one per node shown.
  await expect(throughput.locator('path.recharts-line-curve')).toHaveCount(12, { timeout: 15_000 });
  await expect(dash.getByRole('region', { name: 'Processing time' })).toBeVisible();
  await expect(dash.getByRole('region', { name: 'Queue fill' }).getByText('85 %')).toBeVisible();
  await page.waitForTimeout(3000);

  // Hover: the exact values at that second.
  const box = (await throughput.locator('.recharts-wrapper > svg.recharts-surface').boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.5);
  await expect(throughput.locator('.recharts-tooltip-wrapper')).toContainText(/room : [\d,.]+ records\/s/);

  // CSV of the series shown: a time column and one per node; the room makes about 4000 records a second.
  const csv = await download(page, () => throughput.getByRole('button', { name: 'Throughput: export CSV' }).click());
  expect(csv.name).toBe('throughput.csv');
  const [head, ...rows] = csv.data.toString().trim().split('\n');
  const columns = head!.split(',');
  expect(columns[0]).toBe('time_s');
  expect(columns).toContain('room');
  expect(columns).toHaveLength(13);
  expect(rows.length).toBeGreaterThanOrEqual(4);
  const room = rows.slice(1).map((r) => Number(r.split(',')[columns.indexOf('room')]));
  for (const v of room) expect(v).toBeGreaterThan(3000);
  const png = await download(page, () => throughput.getByRole('button', { name: 'Throughput: export PNG' }).click());
  expect(png.name).toBe('throughput.png');
  expect(png.data.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));

  // Paused, the charts stand still while the run goes on; the ranges switch.
  await dash.getByRole('button', { name: 'Pause' }).click();
  const still = (
    await download(page, () => throughput.getByRole('button', { name: 'Throughput: export CSV' }).click())
  ).data.toString();
  await page.waitForTimeout(2500);
  expect(
    (
      await download(page, () => throughput.getByRole('button', { name: 'Throughput: export CSV' }).click())
    ).data.toString(),
  ).toBe(still);
  await dash.getByRole('button', { name: 'Resume' }).click();
  await dash.getByRole('group', { name: 'time range' }).getByRole('button', { name: '5 min', exact: true }).click();
  await expect(
    dash.getByRole('group', { name: 'time range' }).getByRole('button', { name: '5 min', exact: true }),
  ).toHaveAttribute('aria-pressed', 'true');
  await page.screenshot({ path: '.tmp/dashboard.png' });

  // Two runs kept: this one, and a short second one.
  await page.getByRole('banner').getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByRole('status', { name: 'run state' })).toHaveText('idle', { timeout: 20_000 });
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByRole('status', { name: 'run state' })).toHaveText('running');
  await page.waitForTimeout(3000);
  await page.getByRole('banner').getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByRole('status', { name: 'run state' })).toHaveText('idle', { timeout: 20_000 });
  const shown = dash.getByLabel('run shown');
  // (Newest first; other tests' runs are kept in the same history, further down.)
  await expect.poll(() => shown.locator('option').count()).toBeGreaterThanOrEqual(3);
  const options = await shown.locator('option').allTextContents();
  expect(options[1]).toMatch(/^Live room · .+ · \d+ s · stopped$/);
  await shown.selectOption({ index: 2 });
  await expect(throughput.locator('path.recharts-line-curve')).toHaveCount(12);
  await dash.getByLabel('run compared').selectOption({ index: 1 });
  // The compared run's lines, dashed, beside this one's; and a table of both.
  await expect(throughput.locator('path.recharts-line-curve')).toHaveCount(24);
  const table = dash.getByRole('table', { name: 'runs compared' });
  await expect(table.getByRole('row', { name: /^room / })).toContainText(/[\d.]+k\s*[\d.]+k\s*[\d.]+×/);
  await page.screenshot({ path: '.tmp/dashboard-compare.png' });
});
