import { expect, test } from '@playwright/test';
import { inspector, node } from './helpers';
import { ownStudio } from './studio-host';

ownStudio();

test('the inspector says where the plan runs a node and why: a media node on ffmpeg, a record node in-process; a broken media group has none', async ({
  page,
}) => {
  await page.goto(process.env.SLUICE_URL!);
  await expect(page.getByTestId('connection')).toHaveText('engine connected');
  await expect(page.locator('.toolbar')).toContainText('valid');

  await node(page, 'h264').click();
  const runsOn = inspector(page).getByLabel('runs on');
  await expect(runsOn).toContainText('Runs on ffmpeg (media:camera)');
  await expect(runsOn).toContainText('encoder: ffmpeg encodes the group’s video');

  await node(page, 'coins').click();
  await expect(runsOn).toContainText('Runs on in-process');
  await expect(runsOn).toContainText("runs inside gifts's call (chained: no queue between them)");

  // Delete the packager: the camera's group has no output, so the pipeline cannot run and no plan is shown.
  await node(page, 'chunks').click();
  await page.keyboard.press('Delete');
  await expect(page.getByText(/wire in a media sink or packager/).first()).toBeVisible();
  await node(page, 'h264').click();
  await expect(runsOn).toHaveCount(0);
});
