/**
 * Pipelines as code in the studio: the environment picker and the values templates resolve to, the Tests panel
 * running the fixtures beside the file, and Compare marking what changed on the canvas.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { inspector, node, openFile, stopLeftoverRun } from './helpers';
import { ownStudio } from './studio-host';

ownStudio();
test.afterEach(stopLeftoverRun);

const workspace = () => process.env.SLUICE_WORKSPACE!;
const SHOTS = process.env.SLUICE_SHOTS;

/** The example (pipeline, two environments, a fixture) in the studio's workspace, opened. */
async function openExample(page: Page): Promise<void> {
  cpSync(join(import.meta.dirname, '..', 'examples', 'gifts'), workspace(), { recursive: true });
  await page.goto(process.env.SLUICE_URL!);
  await expect(page.getByTestId('connection')).toHaveText('engine connected');
  await openFile(page, 'gifts.json');
}

test('the environment picker resolves the templates: each field shows its value and where it came from', async ({
  page,
}) => {
  await openExample(page);
  const picker = page.getByRole('combobox', { name: 'environment' });
  await expect(picker.locator('option')).toHaveText(['defaults', 'production', 'staging']);
  await node(page, 'coins').click();
  const size = inspector(page).getByTestId('resolved-sizeMs');
  await expect(size).toHaveText('= 1000 (windowMs: default)');
  await picker.selectOption('staging');
  await expect(size).toHaveText('= 5000 (windowMs: environment "staging")');
  await node(page, 'read').click();
  await expect(inspector(page).getByTestId('resolved-topics')).toHaveText(
    '= ["staging.room-events"] (topic: environment "staging")',
  );
  await expect(inspector(page).getByTestId('resolved-group')).toHaveText(
    '= "gifts-staging" (board: environment "staging")',
  );
  // The pipeline's parameters, with their values there.
  await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
  const params = inspector(page).getByRole('region', { name: 'parameters' });
  await expect(params.getByRole('row', { name: /minCoins/ })).toContainText('1default');
  await picker.selectOption('production');
  await expect(params.getByRole('row', { name: /minCoins/ })).toContainText('5environment "production"');
  // A value production cannot take is a problem of that environment, named with its parameter.
  writeFileSync(
    join(workspace(), 'gifts.production.json'),
    JSON.stringify({ parameters: { topic: 'room-events', windowMs: 0, board: 'live' } }),
  );
  await openFile(page, 'gifts.json');
  await picker.selectOption('production');
  await expect(page.getByTestId('issue-count')).toHaveText('1 problem(s)');
  await expect(page.getByRole('region', { name: 'problems' })).toContainText(
    '${windowMs} = 0 (environment "production")',
  );
  if (SHOTS) await page.screenshot({ path: join(SHOTS, 'environments.png') });
  // A problem of the environment file itself is listed with its file and line, and keeps the run from starting.
  writeFileSync(
    join(workspace(), 'gifts.staging.json'),
    '{\n  "parameters": {\n    "topic": "https://user:pw@kafka.example.com/t"\n  }\n}\n',
  );
  await openFile(page, 'gifts.json');
  await picker.selectOption('staging');
  const problem = page
    .getByRole('region', { name: 'problems' })
    .getByRole('button', { name: /gifts\.staging\.json:3/ });
  await expect(problem).toContainText(
    'environment "staging": "topic" looks like a secret (a URL with a user name and password)',
  );
  await expect(page.getByRole('button', { name: '▶ Run' })).toBeDisabled();
});

test('the Tests panel runs the fixtures against the open document and shows what differs', async ({ page }) => {
  await openExample(page);
  await page.getByRole('button', { name: 'Tests', exact: true }).click();
  const panel = page.getByRole('region', { name: 'dock' }).getByLabel('tests');
  await panel.getByRole('button', { name: '▶ Run tests' }).click();
  await expect(panel.getByRole('status')).toHaveText('1 of 1 fixture(s) passed');
  await expect(panel.getByLabel('fixture gifts')).toContainText('✓ gifts');
  // An edit not yet saved: gifts of every size pass the filter now.
  await node(page, 'gifts').click();
  await inspector(page)
    .getByLabel(/Expression/)
    .fill("type = 'gift'");
  await panel.getByRole('button', { name: '▶ Run tests' }).click();
  await expect(panel.getByRole('status')).toHaveText('0 of 1 fixture(s) passed');
  const failed = panel.getByLabel('fixture gifts');
  await expect(failed).toContainText('✗ gifts');
  await expect(failed).toContainText('sink "board": expected 3 record(s), received 4');
  await expect(failed).toContainText(
    '{"coins":1,"gifts":1,"key":"r1","ts":1999,"windowEnd":2000,"windowStart":1000}   (received, not expected)',
  );
  if (SHOTS) await page.screenshot({ path: join(SHOTS, 'tests.png') });
});

test('compare with the saved version and with another file: changed nodes and wires are marked on the canvas', async ({
  page,
}) => {
  await openExample(page);
  // Another version: a node removed, a wire added, a field changed.
  const other = JSON.parse(readFileSync(join(workspace(), 'gifts.json'), 'utf8'));
  other.name = 'Gifts (older)';
  other.nodes = other.nodes.filter((n: { id: string }) => n.id !== 'by-room');
  other.edges = other.edges.filter((e: { id: string }) => e.id !== 'e2' && e.id !== 'e3');
  other.edges.push({ id: 'e9', from: { node: 'gifts', port: 'out' }, to: { node: 'coins', port: 'in' } });
  other.nodes.find((n: { id: string }) => n.id === 'coins').config.kind = 'sliding';
  writeFileSync(join(workspace(), 'gifts-older.json'), JSON.stringify(other, null, 2));

  await node(page, 'gifts').click();
  await inspector(page)
    .getByLabel(/Expression/)
    .fill("type = 'gift'");
  await page.getByRole('button', { name: 'Compare…' }).click();
  await page.getByRole('menuitem', { name: 'The saved version' }).click();
  const bar = page.getByRole('region', { name: 'comparison' });
  await expect(bar).toContainText('Compared with the saved version (gifts.json):');
  await expect(bar.getByTestId('compare-summary')).toHaveText('1 changed');
  await expect(bar).toContainText(
    `~ gifts (filter)\n      expression: "type = 'gift' and coins >= \${minCoins}" → "type = 'gift'"`,
  );
  await expect(page.getByTestId('rf__node-gifts')).toHaveClass(/diff-changed/);
  await expect(page.getByTestId('rf__node-coins')).not.toHaveClass(/diff-/);

  await page.getByRole('button', { name: 'Compare…' }).click();
  await page.getByRole('menuitem', { name: /gifts-older\.json/ }).click();
  await expect(bar).toContainText('Compared with gifts-older.json:');
  await expect(bar.getByTestId('compare-summary')).toHaveText(
    '1 node(s) added, 2 changed, 3 wire change(s), 1 document setting(s)',
  );
  await expect(page.getByTestId('rf__node-by-room')).toHaveClass(/diff-added/);
  await expect(page.getByTestId('rf__node-coins')).toHaveClass(/diff-changed/);
  await expect(page.getByTestId('rf__edge-e2')).toHaveClass(/diff-added/);
  await expect(page.getByTestId('rf__edge-e2').locator('path.react-flow__edge-path')).toHaveCSS('stroke-width', '4px');
  await expect(page.getByTestId('rf__edge-e4').locator('path.react-flow__edge-path')).toHaveCSS('stroke-width', '2px');
  await expect(bar).toContainText('- e9: gifts.out → coins.in');
  // The marks follow the edits: put the filter back as it was and it is no longer marked changed.
  await node(page, 'gifts').click();
  await inspector(page)
    .getByLabel(/Expression/)
    .fill("type = 'gift' and coins >= ${minCoins}");
  await expect(bar.getByTestId('compare-summary')).toHaveText(
    '1 node(s) added, 1 changed, 3 wire change(s), 1 document setting(s)',
  );
  await expect(page.getByTestId('rf__node-gifts')).not.toHaveClass(/diff-/);
  if (SHOTS) await page.screenshot({ path: join(SHOTS, 'compare.png') });
  await bar.getByRole('button', { name: 'Stop comparing' }).click();
  await expect(bar).toHaveCount(0);
  await expect(page.getByTestId('rf__node-by-room')).not.toHaveClass(/diff-/);
});
