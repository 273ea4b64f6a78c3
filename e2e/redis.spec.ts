/**
 * The live-state panel: what a running pipeline keeps in Redis (the embedded redis-server the engine starts on first
 * use), as the room's users would see it — counters, the top-10 gift leaderboard, the last chat entries — updating.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { openFile, stopLeftoverRun } from './helpers';

test.afterEach(stopLeftoverRun);

test('the live-state panel shows the gift leaderboard, like counters and the chat stream, updating while the pipeline runs', async ({ page }) => {
  const doc = {
    version: 1,
    name: 'Room state',
    nodes: [
      { id: 'room', type: 'live-room', position: { x: 0, y: 100 }, config: { rate: 400, users: 40, rooms: 2 } },
      { id: 'gifts', type: 'filter', position: { x: 260, y: 0 }, config: { expression: "type = 'gift'" } },
      { id: 'topGifters', type: 'redis', position: { x: 520, y: 0 }, config: { mode: 'leaderboard', key: '"top-gifters"', member: 'user', by: 'coins' } },
      { id: 'likes', type: 'filter', position: { x: 260, y: 120 }, config: { expression: "type = 'like'" } },
      { id: 'likeCounter', type: 'redis', position: { x: 520, y: 120 }, config: { mode: 'counter', key: '"likes:" & room', by: 'count' } },
      { id: 'chat', type: 'filter', position: { x: 260, y: 240 }, config: { expression: "type = 'chat'" } },
      { id: 'chatStream', type: 'redis', position: { x: 520, y: 240 }, config: { mode: 'stream', key: '"chat:" & room', value: '{"user": user, "text": text}', maxLen: 1000 } },
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
  const board = panel.getByRole('region', { name: 'live state of topGifters' }).getByRole('list', { name: 'leaderboard top-gifters' });
  await expect(board.getByRole('listitem')).toHaveCount(10, { timeout: 20_000 });
  const scores = async () => (await board.locator('.score').allTextContents()).map((s) => Number(s.replace(/,/g, '')));
  const first = await scores();
  expect(first).toEqual([...first].sort((a, b) => b - a));
  await expect(board.locator('.member').first()).toHaveText(/^user-\d+$/);
  // Updating live: the board's coins grow while the room sends gifts.
  await expect.poll(async () => (await scores()).reduce((a, b) => a + b), { timeout: 15_000 }).toBeGreaterThan(first.reduce((a, b) => a + b));

  // Like counters per room, and the newest chat entries.
  const likes = panel.getByRole('region', { name: 'live state of likeCounter' });
  await expect(likes.getByLabel('counter likes:room-0')).toHaveText(/^likes:room-0[\d,]+$/);
  await expect(likes.getByLabel('counter likes:room-1')).toBeVisible();
  const chat = panel.getByRole('region', { name: 'live state of chatStream' });
  await expect(chat.getByRole('list', { name: 'stream chat:room-0' }).getByRole('listitem')).toHaveCount(10);
  await expect(chat.getByRole('list', { name: 'stream chat:room-0' }).getByRole('listitem').first()).toContainText(/user user-\d+ text \S/);
  await page.screenshot({ path: '.tmp/live-state.png' });

  await page.getByRole('banner').getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByRole('status', { name: 'run state' })).toHaveText('idle', { timeout: 20_000 });
  await expect(panel).toContainText('Run the pipeline to see what it keeps in Redis.');
});
