/**
 * Event time in the studio: a window over a Kafka topic shows its watermark (how far it trails the newest event,
 * what holds it back, which partitions are idle) on the canvas, in the inspector and in the latency waterfall; the
 * source shows each partition's clock; a per-partition scope that would give partial results is a warning.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { inspector, node, openFile, stopLeftoverRun } from './helpers';
import { ownStudio } from './studio-host';

ownStudio();

test.afterEach(stopLeftoverRun);

test('a window over Kafka shows its watermark, held back by a partition, with the idle ones named; a partial scope warns', async ({
  page,
}) => {
  // Two rooms keyed into a topic of four partitions: at most two partitions have records, the others go idle.
  const doc = {
    version: 1,
    name: 'Watermarks',
    nodes: [
      { id: 'room', type: 'live-room', position: { x: 0, y: 0 }, config: { rate: 400, rooms: 2, jitterMs: 300 } },
      { id: 'events', type: 'kafka-sink', position: { x: 250, y: 0 }, config: { topic: 'wm-events', key: 'room' } },
      {
        id: 'read',
        type: 'kafka-source',
        position: { x: 0, y: 200 },
        config: { topics: ['wm-events'], group: 'wm', start: 'latest', idleTimeoutMs: 1500 },
      },
      { id: 'by-user', type: 'key-by', position: { x: 250, y: 200 }, config: { key: 'user' } },
      { id: 'win', type: 'window', position: { x: 500, y: 200 }, config: { sizeMs: 1000, watermarkDelayMs: 500 } },
      { id: 'counts', type: 'debug', position: { x: 750, y: 200 }, config: {} },
    ],
    edges: [
      { id: 'e1', from: { node: 'room', port: 'out' }, to: { node: 'events', port: 'in' } },
      { id: 'e2', from: { node: 'read', port: 'out' }, to: { node: 'by-user', port: 'in' } },
      { id: 'e3', from: { node: 'by-user', port: 'out' }, to: { node: 'win', port: 'in' } },
      { id: 'e4', from: { node: 'win', port: 'out' }, to: { node: 'counts', port: 'in' } },
    ],
  };
  writeFileSync(join(process.env.SLUICE_WORKSPACE!, 'watermarks.json'), JSON.stringify(doc));
  await page.goto(process.env.SLUICE_URL!);
  await openFile(page, 'watermarks.json');
  await expect(page.getByTestId('issue-count')).toHaveText('valid');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByRole('status', { name: 'run state' })).toHaveText('running');

  // On the canvas: how far the window's watermark trails the newest event (the 500 ms delay and then some).
  await expect(page.getByTestId('watermark-win')).toHaveText(/^wm −\d+(\.\d)? (ms|s)$/, { timeout: 20_000 });

  // The window's inspector: its watermark, what holds it back, the idle partitions; one result per key.
  await node(page, 'win').click();
  const panel = inspector(page).getByRole('region', { name: 'event time' });
  await expect(panel.getByTestId('window-scope')).toContainText(
    'One result per key and window, whatever Kafka partitions',
  );
  await expect(panel.getByTestId('watermark')).toHaveText(/^\d\d:\d\d:\d\d\.\d{3}$/);
  await expect(panel.getByTestId('watermark-trail')).toHaveText(/^\d+(\.\d)? (ms|s)$/);
  await expect(panel.getByTestId('watermark-held-by')).toHaveText(/^read wm-events\/\d$/);
  await expect(panel.getByTestId('idle-partitions')).toHaveText(/^read wm-events\/\d(, read wm-events\/\d)*$/, {
    timeout: 20_000,
  });
  await page.screenshot({ path: '.tmp/watermarks-window.png' });

  // The source: each partition's lag, event-time clock and state — the ones without records idle.
  await node(page, 'read').click();
  const parts = inspector(page).getByRole('table', { name: 'partitions: consumer lag and event time' });
  await expect(parts.getByRole('row').filter({ hasText: /^wm-events\/\d.*active$/ })).not.toHaveCount(0);
  await expect(parts.getByRole('row').filter({ hasText: /^wm-events\/\d.*idle$/ })).not.toHaveCount(0);
  await expect(inspector(page).getByTestId('source-watermark')).toContainText(
    'A partition with no records for 1.5 s is idle',
  );
  await page.screenshot({ path: '.tmp/watermarks.png' });

  // The waterfall says where the window's watermark stands (why it held the batch).
  await page.getByRole('button', { name: 'Latency' }).click();
  const fall = page.getByRole('region', { name: 'Latency waterfall' });
  await expect(fall.getByTestId('wf-watermark-win')).toContainText(
    /win: watermark \d\d:\d\d:\d\d\.\d{3}, \d+(\.\d)? (ms|s) behind the newest event; held back by read wm-events\/\d/,
    { timeout: 20_000 },
  );
  await page.getByRole('button', { name: 'Close the waterfall' }).click();

  await page.getByRole('banner').getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByRole('status', { name: 'run state' })).toHaveText('idle', { timeout: 30_000 });

  // Results per partition, keyed by user while the topic is keyed by room: a warning, not an error.
  await node(page, 'win').click();
  await inspector(page).getByLabel('scope').selectOption('partition');
  await expect(page.getByTestId('issue-count')).toHaveText('valid · 1 warning(s)');
  await expect(inspector(page).getByTestId('window-scope')).toContainText('Results are per Kafka partition');
  const problem = page.getByRole('region', { name: 'problems' }).getByRole('button', {
    name: /^warning: win · scope: scope "partition": results are per Kafka partition, and key-by "by-user" keys by `user`/,
  });
  await expect(problem).toBeVisible();
  await expect(page.getByRole('banner').getByRole('button', { name: 'Run' })).toBeEnabled();
});
