/**
 * The workers panel: `sluice run --worker` processes started by the test (members of one consumer group on a
 * real Apache Kafka broker started by the test — reporting to a real redis-server), shown in the studio with
 * the partitions each holds and their lag; one is killed, shows as silent, and the other takes its partitions.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { KafkaBroker } from '../src/engine/connectors/kafka/local';
import { localRedis, type LocalRedis } from '../src/engine/connectors/redis/local';
import { openFile } from './helpers';
import { ownStudio } from './studio-host';

ownStudio();

let cluster: KafkaBroker;
let redis: LocalRedis;
const children: ChildProcess[] = [];

test.beforeAll(async () => {
  cluster = await KafkaBroker.start();
  await cluster.createTopic('studio-room', 4);
  redis = await localRedis();
  // The profiles the workers and the studio share (the host reads the settings file on each use).
  const file = process.env.SLUICE_SETTINGS!;
  const settings = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, Record<string, unknown>>>)
    : {};
  settings.kafka = {
    ...settings.kafka,
    profiles: { ...settings.kafka?.profiles, workers: { brokers: cluster.brokers } },
  };
  settings.redis = { ...settings.redis, profiles: { ...settings.redis?.profiles, workers: { url: redis.url } } };
  writeFileSync(file, JSON.stringify(settings));
});
test.afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await redis.stop();
  await cluster.stop();
});

test('the workers panel shows each worker of a group with its partitions and lag; a killed one goes silent and the other takes its partitions', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const doc = {
    version: 1,
    name: 'Room workers',
    nodes: [
      { id: 'room', type: 'live-room', position: { x: 0, y: 0 }, config: { rate: 300, rooms: 8 } },
      {
        id: 'events',
        type: 'kafka-sink',
        position: { x: 280, y: 0 },
        config: { profile: 'workers', topic: 'studio-room', key: 'room' },
      },
      {
        id: 'read',
        type: 'kafka-source',
        position: { x: 0, y: 160 },
        config: { profile: 'workers', topics: ['studio-room'], group: 'studio-workers', sessionTimeoutMs: 6000 },
      },
      {
        id: 'likes',
        type: 'redis',
        position: { x: 280, y: 160 },
        config: { profile: 'workers', mode: 'counter', key: '"studio:likes:" & room' },
      },
    ],
    edges: [
      { id: 'e1', from: { node: 'room', port: 'out' }, to: { node: 'events', port: 'in' } },
      { id: 'e2', from: { node: 'read', port: 'out' }, to: { node: 'likes', port: 'in' } },
    ],
  };
  const path = join(process.env.SLUICE_WORKSPACE!, 'room-workers.json');
  writeFileSync(path, JSON.stringify(doc));
  const sluice = (...args: string[]) => {
    const c = spawn(process.execPath, [join(import.meta.dirname, '..', 'bin', 'sluice.js'), 'run', ...args, path], {
      env: process.env,
      stdio: 'ignore',
    });
    children.push(c);
    return c;
  };
  const [first, second] = [sluice('--worker'), sluice('--worker')];
  sluice('--ingest');

  await page.goto(process.env.SLUICE_URL!);
  await openFile(page, 'room-workers.json');
  await page.getByRole('button', { name: 'Workers', exact: true }).click();
  const panel = page.getByRole('complementary', { name: 'workers' });
  // The group and the Redis profile come from the pipeline.
  await expect(panel.getByRole('combobox', { name: 'consumer group' })).toHaveValue('studio-workers');
  await expect(panel.getByRole('combobox', { name: 'Redis profile the workers report to' })).toHaveValue('workers');
  const rows = panel.getByRole('table', { name: 'workers' }).getByRole('row', { name: /^worker / });
  await expect(rows).toHaveCount(2, { timeout: 60_000 });
  // Two partitions each, every one with its lag; both reading.
  await expect(async () => {
    for (const row of await rows.all())
      await expect(
        row
          .getByRole('list', { name: 'partitions held' })
          .getByRole('listitem')
          .filter({ hasText: /^studio-room\/\d / }),
      ).toHaveCount(2, { timeout: 500 });
  }).toPass({ timeout: 30_000 });
  await expect(panel.getByRole('status', { name: 'group summary' })).toContainText(
    /2 workers · 4 partitions held · lag \d+ records · [1-9]\d* records\/s/,
    { timeout: 20_000 },
  );

  // One is killed outright: it falls silent; once its session times out, the other holds all four partitions.
  const victim = rows.filter({ hasText: `pid ${second.pid}` });
  await expect(victim).toHaveCount(1);
  second.kill('SIGKILL');
  await expect(victim.getByText('silent', { exact: true })).toBeVisible({ timeout: 10_000 });
  await expect(panel.getByRole('status', { name: 'group summary' })).toContainText(/^1 worker \(\+1 silent\)/);
  const survivor = rows.filter({ hasText: `pid ${first.pid}` });
  await expect(
    survivor
      .getByRole('list', { name: 'partitions held' })
      .getByRole('listitem')
      .filter({ hasText: /^studio-room\/\d / }),
  ).toHaveCount(4, { timeout: 40_000 });
  await expect(panel.getByRole('status', { name: 'group summary' })).toContainText(
    /^1 worker \(\+1 silent\) · 4 partitions held/,
  );
  await page.screenshot({ path: join(import.meta.dirname, '..', 'test-results', 'workers-panel.png') });
});
