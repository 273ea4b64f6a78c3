/**
 * The demo's data part on the embedded Apache Flink, from the studio: Show Flink job (the SQL), Run with the target
 * "Flink: local", the job's figures on the same nodes, the in-process part fed through bridge topics, checkpoints
 * (in the status bar and charted on the dashboard),
 * stop with a savepoint and start from it; a pipeline that does not compile is refused with nothing deployed.
 */
import { expect, test, type Page } from '@playwright/test';
import { emptySpot, inspector, node, stopLeftoverRun } from './helpers';
import { ownStudio } from './studio-host';

ownStudio();
test.afterEach(stopLeftoverRun);

const rate = (page: Page, id: string) => page.getByTestId(`rate-${id}`);
const moving = /^[1-9][\d.]*k? rec\/s$|^\d*\.\d*[1-9] rec\/s$/;

test('the demo deploys to the embedded Flink: its SQL shown, its figures on the canvas, stopped with a savepoint and started from it', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await page.goto(process.env.SLUICE_URL!);
  await expect(page.getByTestId('connection')).toHaveText('engine connected');
  await expect(page.locator('.toolbar')).toContainText('valid');
  const target = page.getByRole('combobox', { name: 'run target' });
  await expect(target.locator('option', { hasText: 'Flink: local (embedded, dev only)' })).toHaveCount(1);
  await target.selectOption({ label: 'Flink: local (embedded, dev only)' });

  // Show Flink job: the exact SQL, with the window as a TUMBLE aggregation and the bridge to the leaderboard.
  await node(page, 'coins-per-second').click();
  await inspector(page).getByRole('button', { name: 'Show Flink job' }).click();
  const sql = inspector(page).getByTestId('flink-sql');
  await expect(sql).toContainText('CREATE TEMPORARY VIEW `coins-per-second` AS', { timeout: 60_000 });
  await expect(sql).toContainText(
    "FROM TABLE(TUMBLE(TABLE `coins-per-second:in`, DESCRIPTOR(`__rt`), INTERVAL '1' SECOND))",
  );
  await expect(inspector(page).getByLabel('Flink job')).toContainText('coins-per-second.out → leaderboard');

  await page.getByRole('button', { name: '▶ Run' }).click();
  await expect(page.getByRole('status', { name: 'run state' })).toHaveText('running', { timeout: 120_000 });
  const job = page.getByTestId('flink-job');
  await expect(job).toContainText(/Flink job [0-9a-f]{8} · running/);
  // The job's nodes say so and show Flink's figures; what runs here is fed through the bridges.
  await expect(node(page, 'coins-per-second').getByLabel('runs on Flink')).toBeVisible();
  await expect(node(page, 'leaderboard').getByLabel('runs on Flink')).toHaveCount(0);
  await expect(rate(page, 'read')).toHaveText(moving, { timeout: 60_000 });
  await expect(rate(page, 'coins-per-second')).toHaveText(moving, { timeout: 60_000 });
  await expect(rate(page, 'leaderboard')).toHaveText(moving, { timeout: 60_000 });
  await expect(page.getByTestId('watermark-coins-per-second')).toBeVisible();
  await expect(job).toContainText(/checkpoints [1-9]\d* \(last #\d+, \d+ ms, [\d.]+ (B|KiB|MiB)\)/, {
    timeout: 60_000,
  });
  // The dashboard charts the job's figures, and its checkpoints.
  await page.getByRole('button', { name: 'Dashboard' }).click();
  const dash = page.getByRole('region', { name: 'Dashboard' });
  const line = (title: string) => dash.getByRole('region', { name: title }).locator('path.recharts-line-curve');
  await expect(line('Flink checkpoint duration')).toHaveCount(1, { timeout: 15_000 });
  await expect(line('Flink checkpoint size')).toHaveCount(1);
  await expect(line('Throughput')).not.toHaveCount(0);
  await page.screenshot({ path: '.tmp/flink-dashboard.png' });
  await page.getByRole('button', { name: 'Close the dashboard' }).click();

  await page.getByRole('button', { name: '■ Stop with savepoint' }).click();
  await expect(page.getByRole('status', { name: 'run state' })).toHaveText('idle', { timeout: 120_000 });
  await expect(page.getByTestId('savepoint')).toHaveText(/savepoint-[0-9a-f]{6}-/);
  await expect(page.getByTestId('run-phase')).toContainText('stopped with a savepoint');

  await page.getByRole('button', { name: 'Start from savepoint' }).click();
  await expect(page.getByRole('status', { name: 'run state' })).toHaveText('running', { timeout: 120_000 });
  await expect(rate(page, 'coins-per-second')).toHaveText(moving, { timeout: 60_000 });
  await page.getByRole('banner').getByRole('button', { name: '■ Stop', exact: true }).click();
  await expect(page.getByRole('status', { name: 'run state' })).toHaveText('idle', { timeout: 60_000 });
});

test('a pipeline that does not compile for Flink is refused, naming node and field, and nothing is deployed', async ({
  page,
}) => {
  await page.goto(process.env.SLUICE_URL!);
  await expect(page.locator('.toolbar')).toContainText('valid');
  await page.getByRole('combobox', { name: 'run target' }).selectOption({ label: 'Flink: local (embedded, dev only)' });
  await node(page, 'gifts').click();
  const expression = inspector(page).getByLabel('expression');
  await expression.fill("$sum(coins) > 3 and type = 'gift'");
  await expect(page.locator('.toolbar')).toContainText('valid');
  await page.getByRole('button', { name: '▶ Run' }).click();
  await expect(page.getByTestId('action-error')).toContainText(
    'does not compile to a Flink job; nothing was deployed',
    { timeout: 120_000 },
  );
  await expect(page.getByTestId('action-error')).toContainText(
    'node “gifts” field expression: not compiled to Flink SQL: the function $sum',
  );
  await expect(page.getByRole('status', { name: 'run state' })).toHaveText('failed');
  await expect(page.getByRole('button', { name: '▶ Run' })).toBeEnabled();
});

test('the pipeline’s Flink settings: checkpoint mode, interval and parallelism in the inspector, in the job that would run; exactly once refuses the demo’s Redis counters, naming them', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.goto(process.env.SLUICE_URL!);
  await expect(page.locator('.toolbar')).toContainText('valid');
  await page.getByRole('combobox', { name: 'run target' }).selectOption({ label: 'Flink: local (embedded, dev only)' });
  // Nothing selected: the pipeline's settings, the demo's own (at least once) shown.
  const settings = inspector(page).getByRole('group', { name: 'Flink settings' });
  const mode = settings.getByLabel('Checkpoint mode');
  await expect(mode).toHaveValue('at-least-once');
  await expect(settings).toContainText('written again');
  await settings.getByLabel('Checkpoint interval').fill('2000');
  await settings.getByLabel('Parallelism').fill('2');
  await settings.screenshot({ path: '.tmp/flink-settings-form.png' });
  await node(page, 'coins-per-second').click();
  await inspector(page).getByRole('button', { name: 'Show Flink job' }).click();
  const sql = inspector(page).getByTestId('flink-sql');
  await expect(sql).toContainText("SET 'execution.checkpointing.interval' = '2000 ms';", { timeout: 60_000 });
  await expect(sql).toContainText("SET 'execution.checkpointing.mode' = 'AT_LEAST_ONCE';");
  await expect(sql).toContainText("SET 'parallelism.default' = '2';");
  await expect(sql).not.toContainText('transactional-id-prefix');

  // Exactly once: the Redis sinks that add are refused, each named with its mode.
  const empty = await emptySpot(page);
  await page.mouse.click(empty.x, empty.y);
  await mode.selectOption('exactly-once');
  await expect(settings).toContainText('read_committed');
  await node(page, 'coins-per-second').click();
  await inspector(page).getByRole('button', { name: 'Show Flink job' }).click();
  const refusal = inspector(page).getByRole('alert');
  await expect(refusal).toContainText('top-gifters', { timeout: 60_000 });
  await expect(refusal).toContainText('mode "leaderboard" adds to the score again (ZINCRBY)');
  await expect(refusal).toContainText('likes-total');
  await page.screenshot({ path: '.tmp/flink-settings.png' });
});

test('with a Flink target, what keeps the pipeline from compiling for Flink is in the problems before Run, on its node and field; back to in-process it goes', async ({
  page,
}) => {
  await page.goto(process.env.SLUICE_URL!);
  await expect(page.locator('.toolbar')).toContainText('valid');
  const problems = page.getByRole('region', { name: 'problems' });
  await node(page, 'gifts').click();
  await inspector(page).getByLabel('expression').fill("$sum(coins) > 3 and type = 'gift'");
  // In-process it runs: no problem.
  await expect(problems).toContainText('No problems: the pipeline can run.');
  const target = page.getByRole('combobox', { name: 'run target' });
  await target.selectOption({ label: 'Flink: local (embedded, dev only)' });
  const refusal = problems.getByRole('button', { name: /on Flink \(local\): .*the function \$sum/ });
  await expect(refusal).toBeVisible({ timeout: 15_000 });
  await expect(refusal).toContainText('gifts · expression');
  await expect(problems.locator('.count')).not.toHaveText('0');
  await target.selectOption({ label: 'in-process' });
  await expect(problems).toContainText('No problems: the pipeline can run.');
});
