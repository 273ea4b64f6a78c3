/**
 * Accessibility: an axe-core scan (WCAG 2.1 A and AA rules) of each main screen of the studio, running the demo:
 * the canvas, the inspector (node, wire, pipeline), the dashboard, the topic browser, the live state, the latency
 * waterfall and the open dialog. No serious or critical violation on any of them.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { clickWire, node, stopLeftoverRun } from './helpers';
import { ownStudio } from './studio-host';

ownStudio();
test.afterEach(stopLeftoverRun);

/** The serious and critical violations on the page as it is, each with the elements it found. */
async function violations(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 5)
          .join(', ')}`,
    );
}

test('every main screen passes an axe-core scan with no serious or critical violation', async ({ page }) => {
  await page.goto(process.env.SLUICE_URL!);
  await expect(page.getByTestId('connection')).toHaveText('engine connected');
  await expect(node(page, 'room')).toBeVisible();
  const found: Record<string, string[]> = {};
  found['canvas and pipeline inspector'] = await violations(page);

  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByRole('status', { name: 'run state' })).toHaveText('running');
  await expect(page.getByTestId('rate-room')).toHaveText(/rec\/s/, { timeout: 30_000 });
  found['running'] = await violations(page);

  await node(page, 'coins-per-second').click();
  found['node inspector'] = await violations(page);
  await page.locator('tr[data-node="leaderboard"]').click();
  const record = page.getByRole('region', { name: 'records', exact: true }).locator('.record-list > li').first();
  await record.locator('summary').first().click({ timeout: 15_000 });
  await expect(record.locator('.rv-fields').first()).toBeVisible();
  found['records, one opened'] = await violations(page);
  await clickWire(page, 'e4');
  await expect(page.getByRole('region', { name: 'watch the wire' })).toBeVisible();
  found['wire inspector'] = await violations(page);

  for (const [button, screen] of [
    ['Dashboard', 'dashboard'],
    ['Topics', 'topic browser'],
    ['Live state', 'live state'],
    ['Latency', 'latency waterfall'],
  ] as const) {
    await page.getByRole('banner').getByRole('button', { name: button, exact: true }).click();
    await expect(page.getByRole('banner').getByRole('button', { name: button, exact: true })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    found[screen] = await violations(page);
    await page.getByRole('banner').getByRole('button', { name: button, exact: true }).click();
  }

  await page.getByRole('banner').getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByRole('status', { name: 'run state' })).toHaveText('idle', { timeout: 30_000 });
  await page.getByRole('button', { name: 'Open…' }).click();
  await expect(page.getByRole('dialog', { name: 'Open pipeline' })).toBeVisible();
  found['open dialog'] = await violations(page);
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: 'Open pipeline' })).toHaveCount(0);

  // The habits: the save dialog, the shortcut sheet, find node and a node's context menu.
  await page.getByRole('button', { name: 'Save as…' }).click();
  await expect(page.getByRole('dialog', { name: 'Save pipeline as' })).toBeVisible();
  found['save as dialog'] = await violations(page);
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: 'Save pipeline as' })).toHaveCount(0);
  await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  found['keyboard shortcuts'] = await violations(page);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+f');
  await page.getByRole('combobox', { name: 'find node' }).fill('co');
  await expect(page.getByRole('listbox', { name: 'matching nodes' })).toBeVisible();
  found['find node'] = await violations(page);
  await page.keyboard.press('Escape');
  await node(page, 'room').click({ button: 'right' });
  await expect(page.getByRole('menu')).toBeVisible();
  found['context menu'] = await violations(page);
  await page.keyboard.press('Escape');

  expect(Object.entries(found).filter(([, v]) => v.length > 0)).toEqual([]);
});
