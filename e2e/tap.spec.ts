/**
 * Tap any wire: while the demo runs, select a wire and watch what passes — pretty JSON, filtered by the engine,
 * at most N a second, pausable.
 */
import { expect, test } from '@playwright/test';
import { clickWire, inspector, stopLeftoverRun } from './helpers';
import { ownStudio } from './studio-host';

ownStudio();

test.afterEach(stopLeftoverRun);

test('selecting a wire of the running demo shows the records passing it, filtered and pausable', async ({ page }) => {
  await page.goto(process.env.SLUICE_URL!);
  await expect(page.getByRole('group', { name: 'node room', exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByRole('status', { name: 'run state' })).toHaveText('running');
  // room → events (e4): every event of the room passes it, on its way to Kafka.
  await clickWire(page, 'e4');
  const tap = inspector(page).getByRole('region', { name: 'watch the wire' });
  const list = tap.getByRole('list', { name: 'sampled records' });
  await expect(list.getByRole('listitem').first()).toContainText('room: "room-', { timeout: 15_000 });
  await expect(tap.getByRole('status', { name: 'tap counts' })).toHaveText(
    /^[\d,]+ passed since watching · up to 20\/s shown$/,
  );

  // Filtered by the engine: only gifts, and the counts say how many matched.
  await tap.getByLabel('tap filter').fill("type = 'gift' and coins >= 50");
  await tap.getByLabel('tap filter').press('Enter');
  await expect(tap.getByRole('status', { name: 'tap counts' })).toHaveText(
    /^[\d,]+ passed, [\d,]+ matched since watching · up to 20\/s shown$/,
    { timeout: 10_000 },
  );
  await expect(list.getByRole('listitem').first()).toContainText('type: "gift"', { timeout: 15_000 });
  // Each record is a line that opens into its fields: read them from there.
  const shown = await list.getByRole('listitem').evaluateAll((items) =>
    items.map((li) => {
      const field = (k: string) =>
        [...li.querySelectorAll('.rv-fields > li')].find((f) => f.firstElementChild?.textContent === `${k}:`)
          ?.lastElementChild?.textContent;
      return { type: field('type'), coins: Number(field('coins')) };
    }),
  );
  expect(shown.length).toBeGreaterThan(0);
  for (const r of shown) {
    expect(r.type).toBe('"gift"');
    expect(r.coins).toBeGreaterThanOrEqual(50);
  }

  // Pause: the list stands still while the counts go on.
  await tap.getByRole('button', { name: 'Pause' }).click();
  const frozen = await list.getByRole('listitem').allTextContents();
  const counted = await tap.getByRole('status', { name: 'tap counts' }).textContent();
  await expect(tap.getByRole('status', { name: 'tap counts' })).not.toHaveText(counted!, { timeout: 10_000 });
  expect(await list.getByRole('listitem').allTextContents()).toEqual(frozen);
  await tap.getByRole('button', { name: 'Resume' }).click();

  // A filter that does not parse is refused in words.
  await tap.getByLabel('tap filter').fill('type = ');
  await tap.getByLabel('tap filter').press('Enter');
  await expect(tap.getByRole('alert')).toHaveText(/^filter: JSONata syntax error/);
  await page.screenshot({ path: '.tmp/tap.png' });
});
