/**
 * The Kafka side of the studio, against the web host's embedded development cluster (a real Apache Kafka broker,
 * started by the engine on first use): a pipeline writes and reads a topic; the topic browser shows it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { openFile, stopLeftoverRun } from './helpers';
import { ownStudio } from './studio-host';

ownStudio();

const url = () => process.env.SLUICE_URL!;
const workspace = () => process.env.SLUICE_WORKSPACE!;

test.afterEach(stopLeftoverRun);

test('the topic browser lists topics, shows the last messages pretty-printed, tails new ones, and shows a group’s lag', async ({
  page,
}) => {
  const doc = {
    version: 1,
    name: 'Room to Kafka',
    nodes: [
      { id: 'room', type: 'live-room', position: { x: 0, y: 0 }, config: { rate: 100 } },
      {
        id: 'events',
        type: 'kafka-sink',
        position: { x: 300, y: 0 },
        config: { topic: 'browser-events', key: 'room' },
      },
      {
        id: 'read',
        type: 'kafka-source',
        position: { x: 0, y: 200 },
        config: { topics: ['browser-events'], group: 'board', batchSize: 20 },
      },
      { id: 'slow', type: 'debug', position: { x: 300, y: 200 }, config: { maxRecordsPerSecond: 20 } },
    ],
    edges: [
      { id: 'e1', from: { node: 'room', port: 'out' }, to: { node: 'events', port: 'in' } },
      // A short queue before the slow reader: it falls behind, and a stop drains quickly.
      { id: 'e2', from: { node: 'read', port: 'out' }, to: { node: 'slow', port: 'in' }, queue: { maxRecords: 40 } },
    ],
  };
  writeFileSync(join(workspace(), 'kafka.json'), JSON.stringify(doc));
  await page.goto(url());
  await openFile(page, 'kafka.json');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByRole('status', { name: 'run state' })).toHaveText('running');

  // The source node shows its consumer lag as it falls behind; its inspector, partition by partition.
  await expect(page.getByTestId('lag-read')).toHaveText(/^read lag [1-9][\d.]*k?$/, { timeout: 20_000 });
  await page.getByRole('group', { name: 'node read', exact: true }).click();
  await expect(
    page
      .getByRole('table', { name: 'partitions: consumer lag and event time' })
      .getByRole('row')
      .filter({ hasText: /^browser-events\/\d/ }),
  ).not.toHaveCount(0);

  await page.getByRole('button', { name: 'Topics' }).click();
  const browser = page.getByRole('region', { name: 'Kafka topics' });
  // The embedded profile says what runs it: a real Apache Kafka broker (the mock cluster only where Java is missing).
  await expect(
    browser.getByText(/^development only: Apache Kafka 4\.\d+\.\d+ \(one KRaft node Sluice starts itself/),
  ).toBeVisible();
  await browser.getByRole('button', { name: 'Test connection' }).click();
  await expect(browser.getByRole('status', { name: 'connection test' })).toHaveText(/^connected: 1 broker\(s\)/);

  // The topic the pipeline writes, with its partitions; refreshed until it has messages.
  const topics = browser.getByRole('navigation', { name: 'topics' });
  await expect(async () => {
    await browser.getByRole('button', { name: 'Refresh' }).first().click();
    // (The demo's topics are on the same cluster: this test's own is looked at.)
    await expect(topics.locator('.topic', { hasText: 'browser-events' }).getByText(/^[1-9]\d* messages$/)).toBeVisible({
      timeout: 1000,
    });
  }).toPass({ timeout: 15_000 });
  await expect(topics.getByRole('table', { name: 'partitions of browser-events' }).getByRole('row')).not.toHaveCount(0);

  // A partition's last messages, each a record that opens into its fields, its time a date.
  const first = topics.getByRole('button', { name: /^partition \d+ of browser-events$/ }).first();
  const name = (await first.getAttribute('aria-label'))!.replace(/^partition (\d+) of (.*)$/, '$2/$1');
  await first.click();
  const messages = browser.getByRole('region', { name: `messages of ${name}` });
  const value = messages.locator('.kafka-value.json').first();
  await expect(value).toContainText('room: "room-');
  await value.locator('summary').first().click();
  await expect(value.locator('.rv-fields').first()).toBeVisible();
  await expect(value.locator('.rv-fields > li', { hasText: /^type: "/ })).toHaveCount(1);
  await expect(
    value.locator('.rv-fields > li', { hasText: /^ts: \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/ }),
  ).toHaveCount(1);

  // Live tail: new messages arrive while the pipeline runs.
  await messages.getByLabel('live tail').check();
  await expect(messages.getByText(/^Live tail: [1-9]\d* new message\(s\) since it started\.$/)).toBeVisible({
    timeout: 15_000,
  });

  // The pipeline's group reads slower than the room writes: its lag, in records and in time behind live.
  const groups = browser.getByRole('region', { name: 'consumer groups' });
  await expect(async () => {
    await groups.getByRole('button', { name: 'Refresh' }).click();
    await expect(groups.getByRole('table', { name: 'lag of board' })).toBeVisible({ timeout: 2000 });
  }).toPass({ timeout: 30_000 });
  await expect(groups.getByRole('table', { name: 'lag of board' }).locator('caption')).toHaveText(
    /^board Stable · 1 member · \d+ not committed · (live|[\d.]+ s behind|[\d.]+ min behind)$/,
  );
  await page.screenshot({ path: '.tmp/topics.png' });

  await page.getByRole('button', { name: 'Close the topic browser' }).click();
  await expect(browser).toHaveCount(0);
  await page.getByRole('banner').getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByRole('status', { name: 'run state' })).toHaveText('idle', { timeout: 20_000 });
});

test('a viewer pipeline watches a camera through Kafka: its Kafka source plays in the studio', async ({ page }) => {
  const doc = {
    version: 1,
    name: 'Camera through Kafka',
    nodes: [
      { id: 'camera', type: 'test-pattern', position: { x: 0, y: 0 }, config: { width: 640, height: 360 } },
      { id: 'h264', type: 'encoder', position: { x: 260, y: 0 }, config: { gopFrames: 30 } },
      { id: 'chunks', type: 'packager', position: { x: 560, y: 0 }, config: { fragmentMs: 200 } },
      {
        id: 'publish',
        type: 'kafka-sink',
        position: { x: 820, y: 0 },
        config: { topic: 'room-video', stream: 'room-1' },
      },
      {
        id: 'watch',
        type: 'kafka-source',
        position: { x: 0, y: 240 },
        config: { topics: ['room-video'], group: 'viewers', start: 'latest', format: 'fmp4' },
      },
      {
        id: 'archive',
        type: 'file',
        position: { x: 300, y: 240 },
        config: { path: join(workspace(), 'through-kafka.mp4') },
      },
    ],
    edges: [
      { id: 'e1', from: { node: 'camera', port: 'video' }, to: { node: 'h264', port: 'in' } },
      { id: 'e2', from: { node: 'h264', port: 'out' }, to: { node: 'chunks', port: 'in' } },
      { id: 'e3', from: { node: 'chunks', port: 'out' }, to: { node: 'publish', port: 'bytes' } },
      { id: 'e4', from: { node: 'watch', port: 'bytes' }, to: { node: 'archive', port: 'bytes' } },
    ],
  };
  writeFileSync(join(workspace(), 'through-kafka.json'), JSON.stringify(doc));
  await page.goto(url());
  await openFile(page, 'through-kafka.json');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByRole('status', { name: 'run state' })).toHaveText('running');
  // (The wire out of the source shows the same preview; the node is clicked here, as its live label keeps the wire moving.)
  await page.getByRole('group', { name: 'node watch', exact: true }).click();
  const preview = page.getByRole('region', { name: 'inspector' }).getByRole('region', { name: 'preview' });
  const video = preview.locator('video');
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 30_000 }).toBe(640);
  const t0 = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 15_000 })
    .toBeGreaterThan(t0 + 1);
  // Capture → encoder → Kafka → viewer → browser: still a live picture.
  await expect(preview.locator('.preview-latency')).toHaveText(/^\d+ ms behind capture$/);
  await page.screenshot({ path: '.tmp/kafka-video.png' });
  await page.getByRole('banner').getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByRole('status', { name: 'run state' })).toHaveText('idle', { timeout: 20_000 });
});

test('a connection profile is added in the studio, kept in the settings (not the pipeline), and its connection test says what failed', async ({
  page,
}) => {
  await page.goto(url());
  await page.getByRole('button', { name: 'Topics' }).click();
  const browser = page.getByRole('region', { name: 'Kafka topics' });
  await browser.getByRole('button', { name: 'New profile…' }).click();
  const form = browser.getByRole('form', { name: 'profile editor' });
  // A broker address without a port is refused, naming the field.
  await form.getByLabel('profile name').fill('staging');
  await form.getByLabel('brokers').fill('kafka-staging');
  await form.getByLabel('SASL mechanism').selectOption('scram-sha-512');
  await form.getByLabel('SASL user').fill('sluice');
  await form.getByRole('button', { name: 'Save profile' }).click();
  await expect(form.getByRole('alert')).toHaveText(/^profile "staging": brokers\.0: /);
  await expect(form).toContainText(
    'The password is never saved with the profile: it is read from SLUICE_SECRET_STAGING',
  );
  // Nothing listens on port 1 here.
  await form.getByLabel('brokers').fill('127.0.0.1:1');
  await form.getByRole('button', { name: 'Save profile' }).click();
  await expect(browser.getByLabel('connection profile', { exact: true })).toHaveValue('staging');
  await expect(browser.getByText('no password: set SLUICE_SECRET_STAGING')).toBeVisible();
  const settings = JSON.parse(readFileSync(process.env.SLUICE_SETTINGS!, 'utf8'));
  expect(settings.kafka.profiles.staging).toEqual({
    brokers: ['127.0.0.1:1'],
    clientId: 'sluice',
    sasl: { mechanism: 'scram-sha-512', username: 'sluice' },
  });
  await browser.getByRole('button', { name: 'Test connection' }).click();
  await expect(browser.getByRole('status', { name: 'connection test' })).toHaveText(
    'could not connect with profile "staging": profile "staging" uses SASL scram-sha-512 as "sluice": set its password in SLUICE_SECRET_STAGING',
  );
  // Without SASL, the broker itself is what fails, in words.
  await browser.getByRole('button', { name: 'Edit…' }).click();
  await form.getByLabel('SASL mechanism').selectOption('');
  await form.getByRole('button', { name: 'Save profile' }).click();
  await browser.getByRole('button', { name: 'Test connection' }).click();
  await expect(browser.getByRole('status', { name: 'connection test' })).toHaveText(
    /^could not connect with profile "staging": .*(ECONNREFUSED|Connection error)/,
    { timeout: 20_000 },
  );
  await browser.getByRole('button', { name: 'Delete' }).click();
  await expect(browser.getByLabel('connection profile', { exact: true })).toHaveValue('local');
  expect(JSON.parse(readFileSync(process.env.SLUICE_SETTINGS!, 'utf8')).kafka.profiles).toEqual({});
});
