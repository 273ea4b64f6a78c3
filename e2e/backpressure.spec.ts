/**
 * On the canvas while a pipeline runs: a sink slowed on purpose turns its wires red back to the source (queue fill
 * past 85 %, NiFi's colours), and a node's error count opens its last error with the record that caused it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { inspector, openFile, stopLeftoverRun } from './helpers';
import { ownStudio } from './studio-host';

ownStudio();

test.afterEach(stopLeftoverRun);

test('a slowed sink turns its wires red back to the source; clicking a node’s errors shows the message and the record', async ({
  page,
}) => {
  const doc = {
    version: 1,
    name: 'Slow sink',
    nodes: [
      { id: 'room', type: 'live-room', position: { x: 0, y: 0 }, config: { rate: 3000 } },
      {
        id: 'price',
        type: 'map',
        position: { x: 260, y: 0 },
        config: {
          expression:
            'id % 100 = 7 ? $error("cannot price event " & $string(id)) : {"id": id, "type": type, "user": user}',
        },
      },
      { id: 'slow', type: 'debug', position: { x: 520, y: 0 }, config: { maxRecordsPerSecond: 300 } },
      { id: 'fast', type: 'debug', position: { x: 260, y: 160 }, config: {} },
    ],
    edges: [
      // Short queues: they fill in a second, and a stop (which lets them drain) takes two.
      { id: 'e1', from: { node: 'room', port: 'out' }, to: { node: 'price', port: 'in' }, queue: { maxRecords: 300 } },
      { id: 'e2', from: { node: 'price', port: 'out' }, to: { node: 'slow', port: 'in' }, queue: { maxRecords: 200 } },
      { id: 'e3', from: { node: 'room', port: 'out' }, to: { node: 'fast', port: 'in' } },
    ],
  };
  writeFileSync(join(process.env.SLUICE_WORKSPACE!, 'slow-sink.json'), JSON.stringify(doc));
  await page.goto(process.env.SLUICE_URL!);
  await openFile(page, 'slow-sink.json');
  const wire = (id: string) => page.getByTestId(`rf__edge-${id}`).locator('path.react-flow__edge-path');
  await expect(wire('e1')).toHaveClass(/fill-level--1/);
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByRole('status', { name: 'run state' })).toHaveText('running');
  // The slow sink's wire fills up and turns red; so does the wire before it, back to the source.
  await expect(wire('e2')).toHaveClass(/fill-level-2/, { timeout: 15_000 });
  await expect(wire('e1')).toHaveClass(/fill-level-2/);
  expect(await wire('e2').evaluate((p) => getComputedStyle(p).stroke)).toBe('rgb(243, 18, 96)');
  // The fast sink's wire is held back too (the source waits for the slow branch), but its own queue is not full.
  await expect(wire('e3')).not.toHaveClass(/fill-level--1/);

  // One event in a hundred fails in the map: the node counts them; a click shows the last one and its record.
  const errors = page.getByRole('button', { name: /^[\d.]+k? errors? in price: show the last$/ });
  await expect(errors).toBeVisible({ timeout: 15_000 });
  await errors.click();
  const last = inspector(page).getByRole('region', { name: 'last error' });
  await expect(last).toContainText(/cannot price event \d*07/);
  // (Read at once: the last error changes while the run goes on.)
  const [message, recordText] = await last.evaluate((el) => [
    el.querySelector('p.error')!.textContent!,
    el.querySelector('pre')!.textContent!,
  ]);
  const record = JSON.parse(recordText) as { id: number; type: string };
  expect(record.id % 100).toBe(7);
  expect(message).toContain(`cannot price event ${record.id} `);
  await page.screenshot({ path: '.tmp/backpressure.png' });
  await page.getByRole('banner').getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByRole('status', { name: 'run state' })).toHaveText('idle', { timeout: 20_000 });
});
