/**
 * The live-state panel: what a running pipeline keeps in Redis (the embedded redis-server the engine starts on first
 * use), as the room's users would see it — counters, the top-10 gift leaderboard, the last chat entries — updating.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { openFile, stopLeftoverRun } from './helpers';
import { ownStudio } from './studio-host';

ownStudio();

test.afterEach(stopLeftoverRun);

test('the live-state panel shows the gift leaderboard, like counters and the chat stream, updating while the pipeline runs', async ({
  page,
}) => {
  const doc = {
    version: 1,
    name: 'Room state',
    nodes: [
      { id: 'room', type: 'live-room', position: { x: 0, y: 100 }, config: { rate: 400, users: 40, rooms: 2 } },
      { id: 'gifts', type: 'filter', position: { x: 260, y: 0 }, config: { expression: "type = 'gift'" } },
      {
        id: 'topGifters',
        type: 'redis',
        position: { x: 520, y: 0 },
        config: { mode: 'leaderboard', key: '"room-state:top-gifters"', member: 'user', by: 'coins' },
      },
      { id: 'likes', type: 'filter', position: { x: 260, y: 120 }, config: { expression: "type = 'like'" } },
      {
        id: 'likeCounter',
        type: 'redis',
        position: { x: 520, y: 120 },
        config: { mode: 'counter', key: '"likes:" & room', by: 'count' },
      },
      { id: 'chat', type: 'filter', position: { x: 260, y: 240 }, config: { expression: "type = 'chat'" } },
      {
        id: 'chatStream',
        type: 'redis',
        position: { x: 520, y: 240 },
        config: { mode: 'stream', key: '"chat:" & room', value: '{"user": user, "text": text}', maxLen: 1000 },
      },
    ],
    edges: [
      { id: 'e1', from: { node: 'room', port: 'out' }, to: { node: 'gifts', port: 'in' } },
      { id: 'e2', from: { node: 'gifts', port: 'out' }, to: { node: 'topGifters', port: 'in' } },
      { id: 'e3', from: { node: 'room', port: 'out' }, to: { node: 'likes', port: 'in' } },
      { id: 'e4', from: { node: 'likes', port: 'out' }, to: { node: 'likeCounter', port: 'in' } },
      { id: 'e5', from: { node: 'room', port: 'out' }, to: { node: 'chat', port: 'in' } },
      { id: 'e6', from: { node: 'chat', port: 'out' }, to: { node: 'chatStream', port: 'in' } },
    ],
  };
  writeFileSync(join(process.env.SLUICE_WORKSPACE!, 'room-state.json'), JSON.stringify(doc));
  await page.goto(process.env.SLUICE_URL!);
  await openFile(page, 'room-state.json');
  await page.getByRole('button', { name: 'Live state' }).click();
  const panel = page.getByRole('complementary', { name: 'live state' });
  await expect(panel).toContainText('Run the pipeline to see what it keeps in Redis.');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByRole('status', { name: 'run state' })).toHaveText('running');

  // The top 10 gifters, highest first, with their coins.
  const board = panel
    .getByRole('region', { name: 'live state of topGifters' })
    .getByRole('list', { name: 'leaderboard room-state:top-gifters' });
  await expect(board.getByRole('listitem')).toHaveCount(10, { timeout: 20_000 });
  const scores = async () => (await board.locator('.score').allTextContents()).map((s) => Number(s.replace(/,/g, '')));
  const first = await scores();
  expect(first).toEqual([...first].sort((a, b) => b - a));
  await expect(board.locator('.member').first()).toHaveText(/^user-\d+$/);
  // Updating live: the board's coins grow while the room sends gifts.
  await expect
    .poll(async () => (await scores()).reduce((a, b) => a + b), { timeout: 15_000 })
    .toBeGreaterThan(first.reduce((a, b) => a + b));

  // Like counters per room, and the newest chat entries.
  const likes = panel.getByRole('region', { name: 'live state of likeCounter' });
  await expect(likes.getByLabel('counter likes:room-0')).toHaveText(/^likes:room-0[\d,]+$/);
  await expect(likes.getByLabel('counter likes:room-1')).toBeVisible();
  const chat = panel.getByRole('region', { name: 'live state of chatStream' });
  await expect(chat.getByRole('list', { name: 'stream chat:room-0' }).getByRole('listitem')).toHaveCount(10);
  await expect(chat.getByRole('list', { name: 'stream chat:room-0' }).getByRole('listitem').first()).toContainText(
    /user user-\d+ text \S/,
  );
  await page.screenshot({ path: '.tmp/live-state.png' });

  await page.getByRole('banner').getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByRole('status', { name: 'run state' })).toHaveText('idle', { timeout: 20_000 });
  await expect(panel).toContainText('Run the pipeline to see what it keeps in Redis.');
});

test('Redis connection profiles are added, tested and deleted in the studio, kept in the settings without a password', async ({
  page,
}) => {
  await page.goto(process.env.SLUICE_URL!);
  await page.getByRole('button', { name: 'Live state' }).click();
  const panel = page.getByRole('complementary', { name: 'live state' });
  await panel.getByRole('button', { name: 'Connections' }).click();
  const connections = panel.getByRole('region', { name: 'Redis connections' });
  const local = connections.getByRole('row', { name: 'Redis profile local' });
  await expect(local).toContainText('development only: a redis-server Sluice starts itself');
  await local.getByRole('button', { name: 'Test' }).click();
  await expect(local.getByRole('status', { name: 'connection test local' })).toHaveText(
    /^connected: Redis \d+\.\d+\.\d+ \(standalone\) at 127\.0\.0\.1:\d+$/,
    { timeout: 15_000 },
  );

  await connections.getByRole('button', { name: 'New profile…' }).click();
  const form = connections.getByRole('form', { name: 'Redis profile editor' });
  await form.getByLabel('Redis profile name').fill('cache');
  await form.getByLabel('Redis URL').fill('redis://:hunter2@127.0.0.1:1');
  await form.getByRole('button', { name: 'Save profile' }).click();
  await expect(form.getByRole('alert')).toHaveText(
    /^profile "cache": url: redis:\/\/host:port or rediss:\/\/host:port \(TLS\), optionally \/db; the password comes from the secret store$/,
  );
  await expect(form).toContainText('it is read from SLUICE_SECRET_REDIS_CACHE');
  await form.getByLabel('Redis URL').fill('redis://127.0.0.1:1');
  await form.getByRole('button', { name: 'Save profile' }).click();
  const cache = connections.getByRole('row', { name: 'Redis profile cache' });
  await expect(cache).toContainText('redis://127.0.0.1:1 · no password (SLUICE_SECRET_REDIS_CACHE)');
  const settings = readFileSync(process.env.SLUICE_SETTINGS!, 'utf8');
  expect(JSON.parse(settings).redis.profiles.cache).toEqual({ url: 'redis://127.0.0.1:1' });
  expect(settings).not.toContain('hunter2');
  await cache.getByRole('button', { name: 'Test' }).click();
  await expect(cache.getByRole('status', { name: 'connection test cache' })).toHaveText(
    /^could not connect with profile "cache" \(redis:\/\/127\.0\.0\.1:1\): .*ECONNREFUSED/,
  );
  await cache.getByRole('button', { name: 'Delete cache' }).click();
  await expect(cache).toHaveCount(0);
  expect(JSON.parse(readFileSync(process.env.SLUICE_SETTINGS!, 'utf8')).redis.profiles).toEqual({});
});
