/**
 * What a newcomer meets first, at 1440×900 as the studio opens: the demo legible without zooming, panels that leave
 * the canvas usable, and the habits people bring from other editors.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { clickWire, drawWire, emptySpot, inspector, node, saveAs, saved, stopLeftoverRun } from './helpers';
import { ownStudio } from './studio-host';

ownStudio();
test.afterEach(stopLeftoverRun);

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** What the eye gets of every node on the canvas: boxes and on-screen text sizes (font size × zoom). */
async function nodeLegibility(page: Page) {
  return page.evaluate(() => {
    const zoom = Number(
      /scale\(([\d.]+)\)/.exec(document.querySelector<HTMLElement>('.react-flow__viewport')!.style.transform)![1],
    );
    const box = (e: Element) => {
      const r = e.getBoundingClientRect();
      return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    };
    const nodes = [...document.querySelectorAll('.react-flow__node .node')].map((n) => {
      const title = n.querySelector('.node-title')!;
      const rate = n.querySelector('.node-rate')!;
      const r = n.getBoundingClientRect();
      // What is drawn at the node's title: the node itself, or something covering it (the minimap, a banner).
      const t = title.getBoundingClientRect();
      const top = document.elementFromPoint(t.left + 2, t.top + t.height / 2);
      return {
        id: n.getAttribute('aria-label')!.replace(/^node /, ''),
        box: box(n),
        title: box(title),
        titlePx: parseFloat(getComputedStyle(title).fontSize) * zoom,
        ratePx: parseFloat(getComputedStyle(rate).fontSize) * zoom,
        rate: rate.textContent,
        titleCovered: !n.contains(top),
        inView: r.left >= 0 && r.right <= window.innerWidth && r.top >= 0 && r.bottom <= window.innerHeight,
      };
    });
    const canvas = box(document.querySelector('.react-flow')!);
    const labels = [...document.querySelectorAll('.edge-label')].map((l) => ({ text: l.textContent, box: box(l) }));
    return { zoom, nodes, canvas, labels };
  });
}

/** Open the studio on its demo and run it. */
async function runDemo(page: Page): Promise<void> {
  await page.goto(process.env.SLUICE_URL!);
  await expect(node(page, 'room')).toBeVisible();
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByRole('status', { name: 'run state' })).toHaveText('running');
}

const overlaps = (a: Box, b: Box) =>
  Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 &&
  Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
const inside = (a: Box, b: Box) =>
  a.left >= b.left - 1 && a.right <= b.right + 1 && a.top >= b.top - 1 && a.bottom <= b.bottom + 1;

test('the demo opens legible: every node’s name and rate at a readable size, none covered, no label under a node, the title whole', async ({
  page,
}) => {
  await page.goto(process.env.SLUICE_URL!);
  await expect(page.getByTestId('connection')).toHaveText('engine connected');
  await expect(page.getByRole('group', { name: 'node room', exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByRole('status', { name: 'run state' })).toHaveText('running');
  // Rates on every node (the figures a newcomer came to see), then the view as it is.
  for (const id of ['read', 'leaderboard'])
    await expect(page.getByTestId(`rate-${id}`)).toHaveText(/^(?!0 )[\d.]+k? rec\/s$/, { timeout: 30_000 });
  await expect(page.getByTestId('rate-h264')).toHaveText(/fps/, { timeout: 30_000 });
  const { nodes, canvas, labels } = await nodeLegibility(page);
  expect(nodes).toHaveLength(22);
  for (const n of nodes) {
    // Readable without zooming: at least 11 px on screen, as the rest of the studio's text.
    expect(n.titlePx, `${n.id}'s name`).toBeGreaterThanOrEqual(11);
    expect(n.ratePx, `${n.id}'s rate`).toBeGreaterThanOrEqual(11);
    expect(n.rate, `${n.id}'s rate`).not.toBe('—');
    // The whole name inside its node, the node on the canvas and not under the minimap, the banner or a panel.
    expect(inside(n.title, n.box), `${n.id}'s name inside its box`).toBe(true);
    expect(inside(n.box, canvas), `${n.id} on the canvas`).toBe(true);
    expect(n.titleCovered, `${n.id}'s name covered`).toBe(false);
  }
  for (const [i, a] of nodes.entries())
    for (const b of nodes.slice(i + 1)) expect(overlaps(a.box, b.box), `${a.id} over ${b.id}`).toBe(false);
  // A wire's figures never sit under a node.
  for (const l of labels)
    for (const n of nodes) expect(overlaps(l.box, n.box), `label ${l.text} under ${n.id}`).toBe(false);
  // The pipeline's name in the toolbar is whole.
  const title = page.getByTestId('doc-title').locator('.doc-label');
  await expect(title).toHaveText('Live room');
  expect(await title.evaluate((e) => e.scrollWidth <= e.clientWidth)).toBe(true);
  await page.screenshot({ path: '.tmp/newcomer-demo.png' });
});

test('while the demo runs the inspector stays usable: settings read-only and saying so, the ffmpeg command, the probe and the preview at hand', async ({
  page,
}) => {
  await page.goto(process.env.SLUICE_URL!);
  await expect(page.getByTestId('connection')).toHaveText('engine connected');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByRole('status', { name: 'run state' })).toHaveText('running');
  await node(page, 'h264').click();
  const panel = inspector(page);
  // The settings: read-only while it runs, with the reason, not a greyed-out panel.
  const settings = panel.getByRole('group', { name: 'settings (read-only while running)' });
  await expect(settings).toContainText('Read-only while the pipeline runs: stop it to edit.');
  await expect(settings.getByLabel('Node id')).toBeDisabled();
  await expect(settings.getByRole('combobox').first()).toBeDisabled();
  // What reads and explains is at hand: the exact ffmpeg command, probing the encoders again, the preview.
  await panel.getByRole('button', { name: 'Show ffmpeg command' }).click();
  await expect(panel.getByTestId('ffmpeg-command')).toContainText('ffmpeg');
  const probe = panel.getByRole('button', { name: 'Probe again' });
  await expect(probe).toBeEnabled();
  await probe.click();
  await expect(panel.getByRole('region', { name: 'encoder on this machine' })).toContainText('libx264', {
    timeout: 30_000,
  });
  await expect(panel.getByRole('button', { name: 'Probe again' })).toBeEnabled({ timeout: 30_000 });
  await expect
    .poll(() => panel.locator('video').evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 15_000 })
    .toBe(640);
  // Stopped, the settings can be edited again.
  await page.getByRole('banner').getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByRole('status', { name: 'run state' })).toHaveText('idle', { timeout: 30_000 });
  await expect(panel.getByRole('group', { name: 'settings' })).toBeEnabled();
  await expect(panel.getByLabel('Node id')).toBeEnabled();
});

/** The boxes of every node on screen, by id, once they have stopped moving (the view may be animating). */
async function nodeBoxes(page: Page): Promise<Map<string, Box>> {
  const read = () =>
    page.evaluate(() =>
      [...document.querySelectorAll('.react-flow__node .node')].map((n) => {
        const r = n.getBoundingClientRect();
        return [
          n.getAttribute('aria-label')!.replace(/^node /, ''),
          { left: r.left, top: r.top, right: r.right, bottom: r.bottom },
        ] as const;
      }),
    );
  // Settled: two readings 50 ms apart are the same.
  let last = JSON.stringify(await read());
  await expect
    .poll(
      async () => {
        const now = JSON.stringify(await read());
        const same = now === last;
        last = now;
        return same;
      },
      { intervals: [50], timeout: 3000 },
    )
    .toBe(true);
  return new Map(JSON.parse(last) as [string, Box][]);
}

test('the first nodes on an empty canvas: shown at their size, side by side in view, never on top of one another; Layout before wiring makes a row', async ({
  page,
}) => {
  await page.goto(process.env.SLUICE_URL!);
  await expect(page.getByRole('group', { name: 'node room', exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'New', exact: true }).click();
  await expect(page.getByRole('group', { name: /^node / })).toHaveCount(0);
  for (const type of ['live-room', 'filter', 'debug']) {
    await page.getByRole('button', { name: new RegExp(`^Add .* \\(${type}\\)$`) }).dblclick();
    await expect(node(page, type)).toBeVisible();
  }
  // Not blown up: at most 100 %, so the view can still zoom in.
  await expect(page.getByRole('button', { name: 'zoom in' })).toBeEnabled();
  const canvas = (await page.locator('.react-flow').boundingBox())!;
  const view = { left: canvas.x, top: canvas.y, right: canvas.x + canvas.width, bottom: canvas.y + canvas.height };
  let boxes = await nodeBoxes(page);
  expect([...boxes.keys()].sort()).toEqual(['debug', 'filter', 'live-room']);
  for (const [id, b] of boxes) expect(inside(b, view), `${id} in view`).toBe(true);
  const ids = [...boxes.keys()];
  for (const [i, a] of ids.entries())
    for (const b of ids.slice(i + 1)) expect(overlaps(boxes.get(a)!, boxes.get(b)!), `${a} over ${b}`).toBe(false);

  // Dropped right on top of a node, a new one lands beside it instead.
  const filter = boxes.get('filter')!;
  await page.getByRole('button', { name: /^Add .* \(map\)$/ }).dragTo(page.locator('.react-flow__pane'), {
    targetPosition: { x: (filter.left + filter.right) / 2 - canvas.x, y: (filter.top + filter.bottom) / 2 - canvas.y },
  });
  await expect(node(page, 'map')).toBeVisible();
  boxes = await nodeBoxes(page);
  for (const id of ['live-room', 'filter', 'debug'])
    expect(overlaps(boxes.get('map')!, boxes.get(id)!), `map over ${id}`).toBe(false);

  // Layout with nothing wired: a row, left to right in the order they stood, not a column.
  await page.getByRole('button', { name: 'Layout' }).click();
  boxes = await nodeBoxes(page);
  const row = [...boxes].sort((a, b) => a[1].left - b[1].left);
  const tops = row.map(([, b]) => b.top);
  expect(Math.max(...tops) - Math.min(...tops)).toBeLessThan(5);
  for (let i = 1; i < row.length; i++) expect(row[i]![1].left).toBeGreaterThan(row[i - 1]![1].right);
});

test('undo takes back an added node and its selection: clicking another node then selects just that one', async ({
  page,
}) => {
  await page.goto(process.env.SLUICE_URL!);
  await expect(page.getByRole('group', { name: 'node room', exact: true })).toBeVisible();
  await page.getByRole('button', { name: /^Add .* \(filter\)$/ }).dblclick();
  await expect(node(page, 'filter')).toBeVisible();
  await page.keyboard.press('Control+z');
  await expect(node(page, 'filter')).toHaveCount(0);
  await node(page, 'room').click();
  await expect(inspector(page).getByRole('heading', { level: 2 })).toContainText('Live room');
  await expect(inspector(page)).not.toContainText('selected');
  await expect(inspector(page).getByLabel('Node id')).toHaveValue('room');
});

test('right-click menus on a node, a wire and the canvas do what they say; locked items say so while running', async ({
  page,
}) => {
  await page.goto(process.env.SLUICE_URL!);
  await expect(node(page, 'room')).toBeVisible();
  const menu = page.getByRole('menu');

  // A node: duplicate it from its menu.
  await node(page, 'gifts').click({ button: 'right' });
  await expect(menu).toHaveAttribute('aria-label', 'node gifts');
  await expect(menu.getByRole('menuitem')).toHaveText([
    'Rename…',
    'DuplicateCtrl+D',
    'CopyCtrl+C',
    'CutCtrl+X',
    'DeleteDel',
  ]);
  await menu.getByRole('menuitem', { name: /^Duplicate/ }).click();
  await expect(menu).toHaveCount(0);
  await expect(node(page, 'gifts-2')).toBeVisible();
  // From the keyboard: the menu takes the focus, arrows move, Enter picks — Delete takes the copy away.
  await node(page, 'gifts-2').click({ button: 'right' });
  for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowDown');
  await expect(menu.getByRole('menuitem', { name: /^Delete/ })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(node(page, 'gifts-2')).toHaveCount(0);

  // A wire: watch its records (the inspector's tap), or delete it.
  await clickWire(page, 'e4');
  await page.getByRole('region', { name: 'watch the wire' }).waitFor();
  await node(page, 'room').click();
  await clickWire(page, 'e4', 'right');
  await expect(menu).toHaveAttribute('aria-label', 'wire');
  await menu.getByRole('menuitem', { name: 'Watch its records' }).click();
  await expect(inspector(page).getByRole('region', { name: 'watch the wire' })).toBeVisible();

  // The canvas: find a node, the shortcuts; Escape closes a menu.
  const pane = await emptySpot(page);
  await page.mouse.click(pane.x, pane.y, { button: 'right' });
  await expect(menu).toHaveAttribute('aria-label', 'canvas');
  await page.keyboard.press('Escape');
  await expect(menu).toHaveCount(0);

  // While it runs, what would edit is there but disabled.
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByRole('status', { name: 'run state' })).toHaveText('running');
  await node(page, 'gifts').click({ button: 'right' });
  await expect(menu.getByRole('menuitem', { name: /^Delete/ })).toHaveAttribute('aria-disabled', 'true');
  await expect(menu.getByRole('menuitem', { name: /^Copy/ })).not.toHaveAttribute('aria-disabled', 'true');
  await menu.getByRole('menuitem', { name: /^Delete/ }).dispatchEvent('click');
  await expect(node(page, 'gifts')).toBeVisible();
});

test('Ctrl+F finds a node by id or type and brings it into view; ? shows the keyboard shortcuts', async ({ page }) => {
  await page.goto(process.env.SLUICE_URL!);
  await expect(node(page, 'room')).toBeVisible();
  // Zoom in far on one corner, so that the node looked for is out of view.
  await page.getByRole('button', { name: 'zoom in' }).click();
  await page.getByRole('button', { name: 'zoom in' }).click();
  await page.getByRole('button', { name: 'zoom in' }).click();
  await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+f');
  const find = page.getByRole('combobox', { name: 'find node' });
  await expect(find).toBeFocused();
  await find.fill('leader');
  await expect(page.getByRole('listbox', { name: 'matching nodes' }).getByRole('option')).toHaveText([/^leaderboard/]);
  await page.keyboard.press('Enter');
  await expect(find).toHaveCount(0);
  await expect(inspector(page).getByLabel('Node id')).toHaveValue('leaderboard');
  // In view, and large enough to read.
  await expect
    .poll(async () => {
      const b = (await node(page, 'leaderboard').boundingBox())!;
      const c = (await page.locator('.react-flow').boundingBox())!;
      return b.x >= c.x && b.x + b.width <= c.x + c.width && b.y >= c.y && b.y + b.height <= c.y + c.height;
    })
    .toBe(true);
  // By type: "Window" lists the two windows.
  await page.keyboard.press('Control+f');
  await find.fill('window');
  await expect(page.getByRole('listbox', { name: 'matching nodes' }).getByRole('option')).toHaveText([
    /^coins-per-second/,
    /^likes-5s/,
  ]);
  await page.keyboard.press('Escape');
  await expect(find).toHaveCount(0);

  await page.keyboard.press('?');
  const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(sheet.getByRole('table', { name: 'keyboard shortcuts' })).toContainText('Ctrl+F');
  await expect(sheet).toContainText('Duplicate the selection');
  await page.keyboard.press('Escape');
  await expect(sheet).toHaveCount(0);
});

test('the light theme follows the system, can be picked, is remembered, and passes the contrast checks', async ({
  browser,
}) => {
  const context = await browser.newContext({ colorScheme: 'light', viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto(process.env.SLUICE_URL!);
  await expect(node(page, 'room')).toBeVisible();
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  expect(await background()).toBe('rgb(246, 248, 250)');
  await expect(page.getByRole('combobox', { name: 'theme' })).toHaveValue('system');
  const r = await new AxeBuilder({ page }).withTags(['wcag2aa']).withRules(['color-contrast']).analyze();
  expect(r.violations.flatMap((v) => v.nodes.map((n) => n.target.join(' ')))).toEqual([]);
  await page.screenshot({ path: '.tmp/newcomer-light.png' });
  // Picked dark, it stays dark after a reload, whatever the system says.
  await page.getByRole('combobox', { name: 'theme' }).selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  expect(await background()).toBe('rgb(15, 19, 24)');
  await page.getByRole('combobox', { name: 'theme' }).selectOption('system');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await context.close();
});

test('after New, the status bar no longer names the pipeline that ran', async ({ page }) => {
  await page.goto(process.env.SLUICE_URL!);
  await expect(node(page, 'room')).toBeVisible();
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByTestId('run-phase')).toHaveText('run: running · Live room');
  await page.getByRole('banner').getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByRole('status', { name: 'run state' })).toHaveText('idle', { timeout: 30_000 });
  await page.getByRole('button', { name: 'New', exact: true }).click();
  await expect(page.getByRole('group', { name: /^node / })).toHaveCount(0);
  await expect(page.getByTestId('run-phase')).not.toContainText('Live room');
});

test('panels dock beside or below the canvas as tabs: the graph and the lock banner stay in view; size and side are remembered', async ({
  page,
}) => {
  await runDemo(page);
  const toolbar = page.getByRole('banner');
  const uncovered = (loc: ReturnType<Page['locator']>) =>
    loc.evaluate((e) => {
      const r = e.getBoundingClientRect();
      const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      return !!top && e.contains(top);
    });

  // Live state opens in the dock: it covers neither the banner nor the graph.
  await toolbar.getByRole('button', { name: 'Live state', exact: true }).click();
  const tabs = page.getByRole('toolbar', { name: 'panels' });
  const tabNames = tabs.locator('.dock-tab > button:first-child');
  await expect(tabNames).toHaveText(['Live state']);
  await expect(page.getByRole('complementary', { name: 'live state' })).toBeVisible();
  expect(
    await uncovered(page.getByRole('status', { name: 'editing locked' }).getByRole('button', { name: 'Stop' })),
  ).toBe(true);

  // The dashboard joins it as a second tab, shown; the nodes it asks to pick stay on the canvas beside it.
  await toolbar.getByRole('button', { name: 'Dashboard', exact: true }).click();
  await expect(tabNames).toHaveText(['Dashboard', 'Live state']);
  await expect(tabs.getByRole('button', { name: 'Dashboard', exact: true })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByRole('region', { name: 'Dashboard' })).toBeVisible();
  await expect(page.getByRole('complementary', { name: 'live state' })).toBeHidden();
  await expect(node(page, 'room')).toBeVisible();
  expect(await uncovered(node(page, 'room'))).toBe(true);
  await node(page, 'gifts').click();
  await expect(page.getByRole('region', { name: 'Dashboard' })).toContainText('gifts');

  // Beside the canvas; larger with the keyboard on the splitter.
  await tabs.getByRole('button', { name: 'Dock right' }).click();
  const splitter = page.getByRole('separator', { name: 'resize the dock' });
  await expect(splitter).toHaveAttribute('aria-orientation', 'vertical');
  const before = Number(await splitter.getAttribute('aria-valuenow'));
  await splitter.focus();
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowLeft');
  await expect(splitter).toHaveAttribute('aria-valuenow', String(before + 72));
  const dockBox = (await page.getByRole('region', { name: 'dock' }).boundingBox())!;
  const canvasBox = (await page.locator('.react-flow').boundingBox())!;
  expect(dockBox.x).toBeGreaterThanOrEqual(canvasBox.x + canvasBox.width);
  expect(await uncovered(node(page, 'room'))).toBe(true);
  await page.screenshot({ path: '.tmp/newcomer-dock.png' });

  // Each tab closes with its ✕; the last one closed gives the canvas its room back.
  await page.getByRole('button', { name: 'Close the dashboard' }).click();
  await expect(tabNames).toHaveText(['Live state']);
  await page.getByRole('button', { name: 'Close the live state' }).click();
  await expect(page.getByRole('region', { name: 'dock' })).toHaveCount(0);

  // Reopened after a reload: on the same side, at the same size.
  await page.reload();
  await toolbar.getByRole('button', { name: 'Topics', exact: true }).click();
  await expect(page.getByRole('separator', { name: 'resize the dock' })).toHaveAttribute(
    'aria-orientation',
    'vertical',
  );
  await expect(page.getByRole('separator', { name: 'resize the dock' })).toHaveAttribute(
    'aria-valuenow',
    String(before + 72),
  );
});

test('figures that agree and say what they are: media bitrate in the table, readable small times, labelled log scales, no stale rates after Stop', async ({
  page,
}) => {
  await runDemo(page);
  const table = page.getByRole('table', { name: 'Node metrics' });
  const row = (id: string) => table.locator(`tr[data-node="${id}"] td`);
  // The encoder's KB/s in the table is its bitrate (the canvas shows it in Mb/s), not 0.
  await expect(page.getByTestId('rate-h264')).toHaveText(/fps · [\d.]+ Mb\/s/, { timeout: 30_000 });
  await expect
    .poll(async () => Number(await row('h264').nth(3).textContent()), { timeout: 15_000 })
    .toBeGreaterThan(10);
  // Small processing times keep their digits (not 0.000).
  await expect
    .poll(async () => (await row('gifts').nth(5).textContent())!, { timeout: 15_000 })
    .toMatch(/^(0|\d+(\.\d+)?)$/);
  expect(await table.locator('tbody td:nth-child(6)').allTextContents()).not.toContain('0.000');
  // The log-like chart says so, and its ticks are powers of ten.
  await expect(page.getByRole('region', { name: 'records per second chart' })).toContainText('(log scale)');
  const chartTicks = () =>
    page
      .getByRole('region', { name: 'records per second chart' })
      .locator('.recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value')
      .allTextContents();
  await expect.poll(async () => (await chartTicks()).length, { timeout: 15_000 }).toBeGreaterThan(2);
  const ticks = await chartTicks();
  for (const t of ticks) expect(t).toMatch(/^(0|1|10|100|1\.0k|10k|100k|1\.0M)$/);
  // The source's lag says which: read lag on the node, committed lag in the topic browser.
  await expect(page.getByTestId('lag-read')).toHaveText(/^read lag /, { timeout: 15_000 });
  // Stopped: no rates left standing beside "stopped".
  await page.getByRole('banner').getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByRole('status', { name: 'run state' })).toHaveText('idle', { timeout: 30_000 });
  await expect(page.getByTestId('table-rate-room')).toHaveText('—');
});

test('no panel offers the retired worker command: scale-out is Flink, named in the run target', async ({ page }) => {
  await page.goto(process.env.SLUICE_URL!);
  await expect(node(page, 'room')).toBeVisible();
  await expect(page.getByRole('button', { name: /workers/i })).toHaveCount(0);
  expect(await page.locator('body').innerText()).not.toMatch(/--worker|sluice run .* --worker/);
  await expect(page.getByRole('combobox', { name: 'run target' }).locator('option')).toContainText([
    'in-process',
    /Flink/,
  ]);
});

test('a window’s aggregates are a table of rows: change a function, fix what it says, add, move and remove rows; the file gets the list', async ({
  page,
}) => {
  await page.goto(process.env.SLUICE_URL!);
  await node(page, 'coins-per-second').click();
  const table = inspector(page).getByRole('table', { name: /Aggregates/ });
  await expect(table).toBeVisible();
  await expect(inspector(page).getByRole('textbox', { name: /^Aggregates$/ })).toHaveCount(0);
  const cell = (row: number, col: string) => table.getByLabel(`Aggregates row ${row}: ${col}`, { exact: true });
  await expect(table.getByRole('row')).toHaveCount(4); // the header and three aggregates
  await expect(cell(1, 'Op')).toHaveValue('sum');
  await expect(cell(1, 'Field')).toHaveValue('coins');
  await expect(cell(3, 'By')).toHaveValue('user');
  await expect(cell(3, 'N')).toHaveValue('3');

  // The count becomes a max: it needs a field, said for that row and cell; typing one fixes it.
  await cell(2, 'Op').selectOption('max');
  await expect(inspector(page).getByRole('alert')).toContainText('row 2, Field: max needs a field');
  await expect(cell(2, 'Field')).toHaveAttribute('aria-invalid', 'true');
  await cell(2, 'Field').fill('coins');
  await cell(2, 'As').fill('biggest');
  await expect(inspector(page).getByRole('alert')).toHaveCount(0);

  // A new row comes with a name of its own; rows move and go.
  await inspector(page).getByRole('button', { name: '+ Add aggregate' }).click();
  await expect(table.getByRole('row')).toHaveCount(5);
  await expect(cell(4, 'Op')).toHaveValue('count');
  await expect(cell(4, 'As')).toHaveValue('count');
  await inspector(page).getByRole('button', { name: 'move row 4 up' }).click();
  await expect(cell(3, 'As')).toHaveValue('count');
  await inspector(page).getByRole('button', { name: 'remove row 1' }).click();
  await expect(table.getByRole('row')).toHaveCount(4);
  await expect(cell(1, 'As')).toHaveValue('biggest');

  await saveAs(page, 'aggregates.json');
  const doc = JSON.parse(saved('aggregates.json')) as { nodes: { id: string; config: { aggregates: unknown } }[] };
  expect(doc.nodes.find((n) => n.id === 'coins-per-second')!.config.aggregates).toEqual([
    { op: 'max', as: 'biggest', field: 'coins' },
    { op: 'count', as: 'count' },
    { op: 'top', as: 'topGifters', by: 'user', field: 'coins', n: 3 },
  ]);
  // One step back restores the removed row.
  await page.keyboard.press('Control+z');
  await expect(table.getByRole('row')).toHaveCount(5);
});

test('records read as records: one line each that opens into its fields, window times as dates with the milliseconds on hover', async ({
  page,
}) => {
  await runDemo(page);
  await page.locator('tr[data-node="leaderboard"]').click();
  const records = page.getByRole('region', { name: 'records', exact: true });
  const first = records.getByRole('listitem').first();
  const date = /\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}/;
  // Collapsed: one line, with the window's start as a date and no epoch milliseconds.
  await expect(first.locator('summary').first()).toContainText(new RegExp(`windowStart: ${date.source}`), {
    timeout: 15_000,
  });
  await expect(first.locator('summary').first()).not.toContainText(/\d{13}/);
  const line = await first.locator('summary').first().boundingBox();
  expect(line!.height).toBeLessThan(24);
  await expect(first.locator('.rv-fields').first()).toBeHidden();

  // Opened: a field per line; the nested leaderboard is itself a line that opens.
  // Paused, the list stands still to be read while the run goes on.
  await records.getByRole('button', { name: 'Pause' }).click();
  const held = await records.locator('.record-list > li').allTextContents();
  await first.locator('summary').first().click();
  const fields = first.locator('.rv-fields').first();
  await expect(fields).toBeVisible();
  const start = fields.locator(':scope > li', { hasText: /^windowStart: / });
  await expect(start).toHaveText(new RegExp(`^windowStart: ${date.source}$`));
  const ms = Number(/^(\d{13}) ms since the epoch/.exec((await start.locator('.rv-time').getAttribute('title'))!)![1]);
  const shown = (await start.locator('.rv-time').textContent())!;
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  expect(shown).toBe(
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`,
  );
  const top = fields
    .locator(':scope > li', { hasText: /^topGifters: / })
    .locator('details')
    .first();
  await expect(top).not.toHaveAttribute('open');
  await top.locator('summary').first().click();
  await expect(top.locator('.rv-fields').first()).toBeVisible();
  await expect(page.getByRole('status', { name: 'run state' })).toHaveText('running');
  expect(await records.locator('.record-list > li').allTextContents()).toEqual(held);
});

test('the refusal of a wrong wire is read whole beside the inspector: not cut by the canvas edge, kept in the window', async ({
  page,
}) => {
  await page.goto(process.env.SLUICE_URL!);
  await expect(node(page, 'leaderboard')).toBeVisible();
  // Video into a record input, at the node nearest the inspector: the hint would run past the canvas's right edge.
  const from = page.getByLabel(/^chunks output \S+ \(/);
  const target = 'leaderboard input in (record)';
  let seen: { box: { x: number; y: number; width: number; height: number }; whole: boolean } | undefined;
  await drawWire(page, await from.getAttribute('aria-label').then((l) => l!), target, async () => {
    const tip = page.getByRole('tooltip');
    await expect(tip).toContainText('cannot feed a record input');
    seen = await tip.evaluate((el) => {
      const r = el.getBoundingClientRect();
      // Drawn, not covered or clipped, at every corner: what is on top there is the hint itself (hit-tested for
      // this look only: the hint lets the pointer through to the port under it).
      el.style.pointerEvents = 'auto';
      const corners = [
        [r.left + 2, r.top + 2],
        [r.right - 2, r.top + 2],
        [r.left + 2, r.bottom - 2],
        [r.right - 2, r.bottom - 2],
      ];
      const whole = corners.every(([x, y]) => el.contains(document.elementFromPoint(x!, y!)));
      el.style.pointerEvents = '';
      return { box: { x: r.left, y: r.top, width: r.width, height: r.height }, whole };
    });
  });
  expect(seen!.whole).toBe(true);
  const view = page.viewportSize()!;
  expect(seen!.box.x + seen!.box.width).toBeLessThanOrEqual(view.width);
  // It reaches past the canvas into the inspector's side, or sits where the canvas has room: never cut.
  expect(seen!.box.x).toBeGreaterThanOrEqual(0);
  expect(seen!.box.width).toBeGreaterThan(100);
  await expect(page.getByRole('alert', { name: 'notice' })).toContainText('Not connected');
});

test('the side panel fits its width while the demo runs: every column of the node table in view, a long node id cut and whole on hover', async ({
  page,
}) => {
  await runDemo(page);
  await expect(page.getByTestId('table-rate-room')).toHaveText(/\d/, { timeout: 15_000 });
  const fit = await page.evaluate(() => {
    const side = document.querySelector('.side')!;
    const table = document.querySelector('table[aria-label="Node metrics"]')!;
    const last = [...table.querySelectorAll('th')].at(-1)!.getBoundingClientRect();
    return {
      overflow: side.scrollWidth - side.clientWidth,
      lastColumnRight: last.right,
      sideRight: side.getBoundingClientRect().right,
    };
  });
  expect(fit.overflow).toBeLessThanOrEqual(0);
  expect(fit.lastColumnRight).toBeLessThanOrEqual(fit.sideRight);
  await expect(page.locator('tr[data-node="coins-per-second"] td').first()).toHaveAttribute(
    'title',
    'coins-per-second',
  );
});
