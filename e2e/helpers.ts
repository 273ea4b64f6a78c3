/** Helpers for driving the studio from Playwright, shared by the e2e tests and the editor benchmark. */
import { expect, type Locator, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A point on the empty canvas (no node, wire or control under it), to pan from. */
export async function emptySpot(page: Page): Promise<{ x: number; y: number }> {
  return page.evaluate(() => {
    const r = document.querySelector('.react-flow__pane')!.getBoundingClientRect();
    for (let fy = 0.1; fy < 0.95; fy += 0.05)
      for (let fx = 0.05; fx < 0.9; fx += 0.05) {
        const x = r.left + r.width * fx;
        const y = r.top + r.height * fy;
        if (document.elementFromPoint(x, y)?.classList.contains('react-flow__pane')) return { x, y };
      }
    throw new Error('no empty spot on the canvas');
  });
}

/**
 * After a test: stop a run it left going (a test that failed mid-run), so that the next test, on the same host,
 * does not find the studio locked.
 */
export async function stopLeftoverRun({ page }: { page: Page }): Promise<void> {
  const stop = page.getByRole('banner').getByRole('button', { name: 'Stop' });
  if (await stop.isEnabled({ timeout: 1000 }).catch(() => false)) {
    await stop.click();
    await page.getByRole('status', { name: 'run state' }).getByText('idle').waitFor({ timeout: 30_000 });
  }
}

/**
 * Click a wire in its middle. (A straight wire's box is a line with no height, which Playwright takes for hidden, so
 * the click goes to the point, as a user's would.)
 */
export async function clickWire(page: Page, id: string, button: 'left' | 'right' = 'left'): Promise<void> {
  const path = page.getByTestId(`rf__edge-${id}`).locator('path.react-flow__edge-interaction');
  const at = await path.evaluate((p: SVGPathElement) => {
    const m = p.getPointAtLength(p.getTotalLength() / 2);
    const pt = new DOMPoint(m.x, m.y).matrixTransform(p.getScreenCTM()!);
    return { x: pt.x, y: pt.y };
  });
  await page.mouse.click(at.x, at.y, { button });
}

export const node = (page: Page, id: string): Locator => page.getByRole('group', { name: `node ${id}`, exact: true });
export const handle = (page: Page, label: string): Locator => page.getByLabel(label, { exact: true });
export const inspector = (page: Page): Locator => page.getByRole('region', { name: 'inspector' });

/** Open a pipeline file of the workspace with the Open dialog. */
export async function openFile(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Open…' }).click();
  await page
    .getByRole('dialog', { name: 'Open pipeline' })
    .getByRole('button', { name: `Open ${name}`, exact: true })
    .click();
  await expect(page.getByTestId('doc-title')).toContainText(name);
}

/** Open the studio on a new, empty pipeline. */
export async function openEmpty(page: Page): Promise<void> {
  await page.goto(process.env.SLUICE_URL!);
  await expect(page.getByTestId('connection')).toHaveText('engine connected');
  await expect(page.getByRole('group', { name: 'node room', exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'New', exact: true }).click();
  await expect(page.getByRole('group', { name: /^node / })).toHaveCount(0);
}

/** A file in the studio's workspace, as saved. */
export const saved = (name: string): string => readFileSync(join(process.env.SLUICE_WORKSPACE!, name), 'utf8');

/** Save the open pipeline under a name in the workspace, and wait until the studio says it is saved. */
export async function saveAs(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Save as…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Save pipeline as' });
  await dialog.getByLabel('File name in the workspace').fill(name);
  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('doc-title')).toContainText(name);
  await expect(page.getByLabel('unsaved changes')).toHaveCount(0);
}

/** Where an element is once it has stopped moving (the view may still be animating to fit). */
export async function settled(loc: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  let last = await loc.boundingBox();
  for (let i = 0; i < 40; i++) {
    await new Promise((r) => setTimeout(r, 60));
    const now = await loc.boundingBox();
    if (now && last && now.x === last.x && now.y === last.y) return now;
    last = now;
  }
  throw new Error('the element did not stop moving');
}

/** Draw a wire with the mouse from one handle to another; `during` runs while the wire hovers the target. */
export async function drawWire(page: Page, from: string, to: string, during?: () => Promise<void>): Promise<void> {
  const a = await settled(handle(page, from));
  const b = await settled(handle(page, to));
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2 + 30, { steps: 8 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 8 });
  if (during) await during();
  await page.mouse.up();
}
