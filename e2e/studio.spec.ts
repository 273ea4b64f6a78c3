import { expect, test } from '@playwright/test';
import { stopLeftoverRun } from './helpers';
import { ownStudio } from './studio-host';

ownStudio();

const url = () => process.env.SLUICE_URL!;

test.afterEach(stopLeftoverRun);

test('the studio loads the demo, runs it with live rates on every node, and stops', async ({ page }) => {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));

  await page.goto(url());
  await expect(page.getByTestId('connection')).toHaveText('engine connected');
  await expect(page.locator('.toolbar')).toContainText('Live room');
  await expect(page.locator('.toolbar')).toContainText('valid');

  const nodeIds = await page
    .locator('table[aria-label="Node metrics"] tbody tr')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-node')!));
  expect(nodeIds).toHaveLength(22);
  for (const id of nodeIds) await expect(page.getByRole('group', { name: `node ${id}`, exact: true })).toBeVisible();

  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByRole('status', { name: 'run state' })).toHaveText('running');

  // Within seconds every node shows a non-zero rate, on the canvas and in the table (windows fire once a second;
  // the Kafka source joins its group first): records/s, or frames/s for the camera branch's media nodes.
  for (const id of nodeIds) {
    await expect(page.getByTestId(`rate-${id}`)).toHaveText(
      /^((?!0 )[\d.]+k? rec\/s|[1-9]\d* fps( · [\d.]+ [kM]b\/s)?)$/,
      { timeout: 20_000 },
    );
    await expect(page.getByTestId(`table-rate-${id}`)).not.toHaveText(/^(—|0)$/, { timeout: 15_000 });
  }
  for (const id of nodeIds)
    await expect(page.getByRole('group', { name: `node ${id}`, exact: true })).toHaveAttribute('data-state', 'running');

  // With nothing selected, the pipeline's video plays in the inspector: the camera's picture through the encoder.
  const video = page.getByLabel('pipeline video').locator('video');
  await expect(page.getByLabel('pipeline video')).toContainText('Video of h264');
  const playing = () => video.evaluate((v: HTMLVideoElement) => ({ time: v.currentTime, width: v.videoWidth }));
  await expect.poll(async () => (await playing()).width, { timeout: 15_000 }).toBe(640);
  const t0 = (await playing()).time;
  await expect.poll(async () => (await playing()).time, { timeout: 10_000 }).toBeGreaterThan(t0 + 1);
  await expect(page.getByLabel('pipeline video').locator('.preview-latency')).toHaveText(/^\d+ ms behind capture$/);

  // Beside it, the room's gift leaderboard from Redis: five rows, best first, and it moves (the scores grow).
  const board = page.getByLabel('pipeline leaderboard');
  await expect(board).toContainText('top-gifters');
  const scores = async () => (await board.locator('.score').allTextContents()).map((t) => Number(t.replace(/,/g, '')));
  await expect.poll(async () => (await scores()).length, { timeout: 15_000 }).toBe(5);
  const first = await scores();
  expect([...first].sort((a, b) => b - a)).toEqual(first);
  await expect
    .poll(async () => (await scores()).reduce((a, b) => a + b, 0), { timeout: 10_000 })
    .toBeGreaterThan(first.reduce((a, b) => a + b, 0));

  // The chart draws one line per node, up to its 12 (a legend of more is unreadable).
  const chart = page.getByRole('region', { name: 'records per second chart' });
  await expect(chart.locator('path.recharts-line-curve')).toHaveCount(12);

  // A debug sink shows the window results it keeps.
  await page.locator('tr[data-node="leaderboard"]').click();
  await expect(page.getByRole('region', { name: 'records', exact: true }).locator('li').first()).toContainText(
    'topGifters: ',
  );

  await page.screenshot({ path: 'test-results/studio-running.png' });

  await page.getByRole('banner').getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByRole('status', { name: 'run state' })).toHaveText('idle');
  await expect(page.getByTestId('run-phase')).toContainText('stopped');
  for (const id of nodeIds)
    await expect(page.getByRole('group', { name: `node ${id}`, exact: true })).toHaveAttribute('data-state', 'stopped');
  await expect(page.getByRole('button', { name: 'Run' })).toBeEnabled();
  expect(problems).toEqual([]);
});

test('without the token the studio says it is not connected', async ({ page }) => {
  await page.goto(url().replace(/#token=.*/, ''));
  await expect(page.getByTestId('connection')).toContainText('disconnected');
  await expect(page.getByRole('button', { name: 'Run' })).toBeDisabled();
});
