/**
 * Graph editor journeys through the real web host in Debian Chromium, finding things by role and name.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { largePipeline } from '../bench/large-pipeline';
import {
  drawWire,
  emptySpot,
  handle,
  inspector,
  node,
  openEmpty,
  openFile,
  saveAs,
  saved,
  settled,
  stopLeftoverRun,
} from './helpers';
import { serializeDocument } from '../src/shared/document';
import { ownStudio } from './studio-host';

ownStudio();

const url = () => process.env.SLUICE_URL!;

test.afterEach(stopLeftoverRun);
const workspace = () => process.env.SLUICE_WORKSPACE!;

/** Drag a node type from the palette onto the canvas at (x, y) of the pane. */
async function dragFromPalette(page: Page, type: string, x: number, y: number): Promise<void> {
  await page
    .getByRole('button', { name: new RegExp(`^Add .* \\(${type}\\)$`) })
    .dragTo(page.locator('.react-flow__pane'), { targetPosition: { x, y } });
}

/** live-room → filter → key-by → window → debug, built with the palette and the mouse. */
async function buildLiveRoom(page: Page): Promise<void> {
  const types = ['live-room', 'filter', 'key-by', 'window', 'debug'];
  for (const [i, t] of types.entries()) {
    await dragFromPalette(page, t, 60 + i * 130, 120 + (i % 2) * 150);
    await expect(node(page, t)).toBeVisible();
  }
  await page.getByRole('button', { name: 'Layout' }).click();
  await drawWire(page, 'live-room output out (record)', 'filter input in (record)');
  await drawWire(page, 'filter output out (record)', 'key-by input in (record)');
  await drawWire(page, 'key-by output out (record)', 'window input in (record)');
  await drawWire(page, 'window output out (record)', 'debug input in (record)');
  await expect(page.locator('.react-flow__edge')).toHaveCount(4);
  // Laid out again now that it has wires: one row, left to right.
  await page.getByRole('button', { name: 'Layout' }).click();

  await node(page, 'filter').click();
  await inspector(page).getByLabel('expression').fill("type = 'gift'");
  await node(page, 'key-by').click();
  await inspector(page).getByLabel('key', { exact: false }).first().fill('room');
  await node(page, 'live-room').click();
  await inspector(page).getByLabel('rate').fill('3000');
  await expect(page.getByTestId('issue-count')).toHaveText('valid');
}

test('from an empty canvas: build the live-room pipeline, save, reload, open, run, and see records arrive', async ({
  page,
}) => {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await openEmpty(page);
  await expect(page.getByText('An empty pipeline.')).toBeVisible();
  await expect(page.getByRole('region', { name: 'problems' })).toContainText('Nothing to run yet');
  await expect(page.getByRole('banner').getByRole('button', { name: 'Run' })).toBeDisabled();
  // The palette lists every category and finds types by search.
  const palette = page.getByRole('navigation', { name: 'node palette' });
  for (const c of ['Sources', 'Media', 'Kafka', 'Operators', 'Sinks'])
    await expect(palette.getByRole('region', { name: c })).toBeVisible();
  await palette.getByLabel('Search node types').fill('tumbling');
  await expect(palette.getByRole('button', { name: /^Add / })).toHaveCount(1);
  await palette.getByLabel('Search node types').fill('');

  // A field left empty that the node needs is flagged inline before it is filled.
  await dragFromPalette(page, 'filter', 200, 200);
  await expect(inspector(page).getByRole('alert')).toContainText('"expression" is required');
  await page.keyboard.press('Delete');
  await expect(node(page, 'filter')).toHaveCount(0);

  await buildLiveRoom(page);
  await expect(page.getByLabel('unsaved changes')).toBeVisible();
  expect(await page.title()).toMatch(/^● /);
  await saveAs(page, 'journey.json');
  const file = JSON.parse(saved('journey.json')) as {
    nodes: { id: string; config: Record<string, unknown> }[];
    edges: unknown[];
  };
  expect(file.nodes.map((n) => n.id)).toEqual(['live-room', 'filter', 'key-by', 'window', 'debug']);
  expect(file.nodes[1]!.config).toEqual({ expression: "type = 'gift'" });
  expect(file.edges).toHaveLength(4);

  await page.reload();
  await expect(page.getByTestId('connection')).toHaveText('engine connected');
  await openFile(page, 'journey.json');
  await expect(page.getByRole('group', { name: /^node / })).toHaveCount(5);

  await page.getByRole('banner').getByRole('button', { name: 'Run' }).click();
  await expect(page.getByRole('status', { name: 'run state' })).toHaveText('running');
  // While it runs, editing is locked, and says so.
  await expect(page.getByRole('status', { name: 'editing locked' })).toContainText('Stop to edit');
  await expect(page.getByRole('button', { name: 'Add Filter (filter)' })).toHaveAttribute('aria-disabled', 'true');
  await node(page, 'debug').click();
  await page.keyboard.press('Delete');
  await expect(node(page, 'debug')).toBeVisible();
  await expect(page.getByRole('alert', { name: 'notice' })).toContainText('stop it to edit');
  // A node dragged while running stays where it was, and the notice says why; a wire cannot be started.
  const at = await settled(node(page, 'filter'));
  await page.mouse.move(at.x + 40, at.y + 10);
  await page.mouse.down();
  await page.mouse.move(at.x + 140, at.y + 90, { steps: 6 });
  await page.mouse.up();
  await expect(page.getByRole('alert', { name: 'notice' })).toContainText('stop it to edit');
  expect(await settled(node(page, 'filter'))).toEqual(at);
  const out = await settled(handle(page, 'filter output out (record)'));
  await page.mouse.move(out.x + out.width / 2, out.y + out.height / 2);
  await page.mouse.down();
  await page.mouse.move(out.x + 80, out.y + 60, { steps: 4 });
  await expect(page.locator('.react-flow__connection')).toHaveCount(0);
  await page.mouse.up();
  await node(page, 'debug').click();

  await expect(page.getByRole('region', { name: 'records', exact: true }).locator('li').first()).toContainText(
    'windowStart: ',
    { timeout: 15_000 },
  );
  await page.screenshot({ path: 'test-results/editor-built-running.png' });
  await page.getByRole('banner').getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByRole('status', { name: 'run state' })).toHaveText('idle');
  await expect(page.getByRole('status', { name: 'editing locked' })).toHaveCount(0);
  expect(problems).toEqual([]);
});

test('a wrong wire is refused with its reason, and valid targets light up while dragging', async ({ page }) => {
  await openEmpty(page);
  await buildLiveRoom(page);
  // Dragging from the source's output lights up the inputs that would take it, and no others.
  const a = await settled(handle(page, 'live-room output out (record)'));
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + 60, a.y + 80, { steps: 5 });
  await expect(page.locator('.port.target-ok')).toHaveCount(3);
  await expect(page.locator('.port.target-bad')).toHaveCount(1);
  await expect(node(page, 'window').locator('.port.in')).toHaveClass(/target-ok/);
  // The filter already takes this output: a second identical wire is not offered.
  await expect(node(page, 'filter').locator('.port.in')).toHaveClass(/target-bad/);
  await page.mouse.up();
  await expect(page.locator('.port.target-ok')).toHaveCount(0);

  // window → filter would close a loop: refused, with the reason next to the pointer while hovering and after.
  await drawWire(page, 'window output out (record)', 'filter input in (record)', async () => {
    await expect(page.getByRole('tooltip')).toContainText('would close a cycle');
  });
  await expect(page.getByRole('alert', { name: 'notice' })).toContainText(
    'Not connected: this wire would close a cycle (filter → key-by → window → filter)',
  );
  await expect(page.locator('.react-flow__edge')).toHaveCount(4);

  // Bytes into a record input: refused by the port types, with the fix.
  await dragFromPalette(page, 'serialize', 420, 330);
  await drawWire(page, 'window output late (record)', 'serialize input in (record)');
  await expect(page.locator('.react-flow__edge')).toHaveCount(5);
  // (Zoomed out, port names show on the node under the pointer.)
  await node(page, 'serialize').hover();
  await expect(node(page, 'serialize').getByText('bytes', { exact: true })).toBeVisible();
  await drawWire(page, 'serialize output out (bytes)', 'debug input in (record)', async () => {
    await expect(node(page, 'debug').locator('.port.in')).toHaveClass(/target-bad/);
    await expect(page.getByRole('tooltip')).toContainText('bytes cannot feed a record input');
  });
  await expect(page.getByRole('alert', { name: 'notice' })).toContainText(
    'Not connected: bytes cannot feed a record input: add a parser that turns bytes into records first',
  );
  await expect(page.locator('.react-flow__edge')).toHaveCount(5);
  await page.screenshot({ path: 'test-results/editor-refused-wire.png' });
});

test('undo and redo restore exactly the previous documents', async ({ page }) => {
  await openEmpty(page);
  await buildLiveRoom(page);
  await saveAs(page, 'undo-a.json');
  // Three edits of different kinds: a config change, a new wire and node, a deletion.
  await node(page, 'filter').click();
  await inspector(page).getByLabel('expression').fill("type = 'like'");
  await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  await dragFromPalette(page, 'debug', 300, 380);
  await drawWire(page, 'window output late (record)', 'debug-2 input in (record)');
  await node(page, 'key-by').click();
  await page.keyboard.press('Delete');
  await expect(node(page, 'key-by')).toHaveCount(0);
  await saveAs(page, 'undo-b.json');
  expect(saved('undo-b.json')).not.toBe(saved('undo-a.json'));

  for (let i = 0; i < 4; i++) await page.keyboard.press('Control+z');
  await expect(node(page, 'key-by')).toBeVisible();
  await saveAs(page, 'undo-a2.json');
  expect(saved('undo-a2.json')).toBe(saved('undo-a.json'));

  for (let i = 0; i < 4; i++) await page.keyboard.press('Control+Shift+z');
  await expect(node(page, 'key-by')).toHaveCount(0);
  await saveAs(page, 'undo-b2.json');
  expect(saved('undo-b2.json')).toBe(saved('undo-b.json'));
});

test('a document with several problems lists them all; clicking one focuses the node and its field', async ({
  page,
}) => {
  const broken = {
    version: 1,
    name: 'Broken',
    nodes: [
      { id: 'src', type: 'live-room', position: { x: 0, y: 0 }, config: { rate: 'fast' } },
      { id: 'keep', type: 'filter', position: { x: 250, y: 0 }, config: {} },
      { id: 'coins', type: 'map', position: { x: 500, y: 0 }, config: { expression: '$sum(' } },
      { id: 'out', type: 'debug', position: { x: 750, y: 0 }, config: {} },
    ],
    edges: [
      { id: 'e1', from: { node: 'src', port: 'out' }, to: { node: 'keep', port: 'in' } },
      { id: 'e2', from: { node: 'keep', port: 'out' }, to: { node: 'coins', port: 'in' } },
      { id: 'e3', from: { node: 'coins', port: 'out' }, to: { node: 'out', port: 'nope' } },
    ],
  };
  writeFileSync(join(workspace(), 'broken.json'), JSON.stringify(broken, null, 2));
  await page.goto(url());
  await expect(page.getByTestId('connection')).toHaveText('engine connected');
  await openFile(page, 'broken.json');
  const panel = page.getByRole('region', { name: 'problems' });
  await expect(panel.getByRole('button')).toHaveCount(4);
  await expect(page.getByTestId('issue-count')).toHaveText('4 problem(s)');
  await expect(page.getByRole('banner').getByRole('button', { name: 'Run' })).toBeDisabled();

  await panel.getByRole('button', { name: /^keep · expression: / }).click();
  await expect(node(page, 'keep')).toHaveClass(/selected/);
  await expect(inspector(page).getByLabel('expression')).toBeFocused();
  await panel.getByRole('button', { name: /^src · rate: / }).click();
  await expect(inspector(page).getByLabel('rate')).toBeFocused();
  await expect(inspector(page).getByRole('alert')).toContainText('expected number');
  // Fixing a field in the inspector clears its problem, live.
  await inspector(page).getByLabel('rate').fill('500');
  await expect(panel.getByRole('button')).toHaveCount(3);
  await panel.getByRole('button', { name: /^wire e3: / }).click();
  await expect(inspector(page)).toContainText('Wire · e3');
  // The wire's queue settings are edited there and land in the file.
  await inspector(page).getByLabel('Queue capacity (records)').fill('50');
  await inspector(page).getByLabel('Overflow policy').selectOption('drop');
  await saveAs(page, 'broken-queue.json');
  const file = JSON.parse(saved('broken-queue.json')) as { edges: { id: string; queue?: unknown }[] };
  expect(file.edges.find((e) => e.id === 'e3')!.queue).toEqual({ maxRecords: 50, overflow: 'drop' });
});

test('copy and paste keep config and give new ids, also into another open pipeline', async ({ page, context }) => {
  await openEmpty(page);
  await buildLiveRoom(page);
  await node(page, 'filter').click();
  await node(page, 'key-by').click({ modifiers: ['Shift'] });
  await page.keyboard.press('Control+c');
  await page.keyboard.press('Control+v');
  await expect(node(page, 'filter-2')).toBeVisible();
  await expect(node(page, 'key-by-2')).toBeVisible();
  // The wire between the copied nodes comes along; the pasted pair is selected.
  await expect(page.locator('.react-flow__edge')).toHaveCount(5);
  await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  await node(page, 'filter-2').click();
  await expect(inspector(page).getByLabel('expression')).toHaveValue("type = 'gift'");
  // Duplicate works too.
  await page.keyboard.press('Control+d');
  await expect(node(page, 'filter-3')).toBeVisible();

  // A second studio window on another pipeline takes the same clipboard.
  const other = await context.newPage();
  await openEmpty(other);
  await other.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  await other.keyboard.press('Control+v');
  await expect(node(other, 'filter')).toBeVisible();
  await expect(node(other, 'key-by')).toBeVisible();
  await other.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  await node(other, 'key-by').click();
  await expect(inspector(other).getByLabel('key', { exact: false }).first()).toHaveValue('room');
  await saveAs(other, 'pasted.json');
  const file = JSON.parse(saved('pasted.json')) as {
    nodes: { id: string; config: unknown }[];
    edges: { from: { node: string }; to: { node: string } }[];
  };
  expect(file.nodes.map((n) => [n.id, n.config])).toEqual([
    ['filter', { expression: "type = 'gift'" }],
    ['key-by', { key: 'room' }],
  ]);
  expect(file.edges.map((e) => `${e.from.node}->${e.to.node}`)).toEqual(['filter->key-by']);
});

test('wires can be drawn from the keyboard, with the same checks', async ({ page }) => {
  await openEmpty(page);
  await buildLiveRoom(page);
  await dragFromPalette(page, 'debug', 420, 330);
  await expect(node(page, 'debug-2')).toBeVisible();
  const out = page.getByRole('button', { name: 'window output late (record)', exact: true });
  await out.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status', { name: 'notice' })).toContainText('Wiring from window.late');
  await expect(node(page, 'debug-2').locator('.port.in')).toHaveClass(/target-ok/);
  await page.getByRole('button', { name: 'debug-2 input in (record)', exact: true }).focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('.react-flow__edge')).toHaveCount(5);
  await expect(page.getByRole('status', { name: 'notice' })).toContainText('Connected window.late → debug-2.in');
  // A refused wire says why, from the keyboard too.
  await page.getByRole('button', { name: 'window output out (record)', exact: true }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'filter input in (record)', exact: true }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert', { name: 'notice' })).toContainText('would close a cycle');
  await expect(page.locator('.react-flow__edge')).toHaveCount(5);
});

test('box select, move and delete; import and export; unsaved changes are confirmed; recent files reopen', async ({
  page,
}) => {
  await openEmpty(page);
  await buildLiveRoom(page);
  await saveAs(page, 'files.json');

  // Shift-drag a box over the whole canvas selects every node; then Shift-click picks two to move together.
  const before = JSON.parse(saved('files.json')) as { nodes: { id: string; position: { x: number; y: number } }[] };
  const pane = (await page.locator('.react-flow__pane').boundingBox())!;
  await page.keyboard.down('Shift');
  await page.mouse.move(pane.x + 8, pane.y + 8);
  await page.mouse.down();
  await page.mouse.move(pane.x + pane.width - 8, pane.y + pane.height - 8, { steps: 12 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
  await expect(inspector(page)).toContainText('5 node(s), 4 wire(s)');
  await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  await node(page, 'live-room').click();
  await node(page, 'filter').click({ modifiers: ['Shift'] });
  await expect(inspector(page)).toContainText('2 node(s)');
  const f = await settled(node(page, 'filter'));
  await page.mouse.move(f.x + 40, f.y + 10);
  await page.mouse.down();
  await page.mouse.move(f.x + 40, f.y + 130, { steps: 10 });
  await page.mouse.up();
  await expect(page.getByLabel('unsaved changes')).toBeVisible();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByLabel('unsaved changes')).toHaveCount(0);
  const moved = JSON.parse(saved('files.json')) as typeof before;
  for (const id of ['live-room', 'filter']) {
    const was = before.nodes.find((n) => n.id === id)!.position;
    const now = moved.nodes.find((n) => n.id === id)!.position;
    expect(now.y - was.y).toBeGreaterThan(60);
  }
  expect(moved.nodes.find((n) => n.id === 'window')!.position).toEqual(
    before.nodes.find((n) => n.id === 'window')!.position,
  );
  await page.keyboard.press('Delete');
  await expect(page.getByRole('group', { name: /^node / })).toHaveCount(3);
  await page.keyboard.press('Control+z');
  await expect(page.getByRole('group', { name: /^node / })).toHaveCount(5);

  // Export downloads the document as it is now.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('files.json');
  const exported = readFileSync((await file.path())!, 'utf8');
  expect(exported).toBe(saved('files.json'));

  // New with unsaved changes asks first; Cancel keeps the work.
  await node(page, 'debug').click();
  await page.keyboard.press('Delete');
  await page.getByRole('button', { name: 'New', exact: true }).click();
  const confirm = page.getByRole('dialog', { name: 'Unsaved changes' });
  await expect(confirm).toContainText('has unsaved changes');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('group', { name: /^node / })).toHaveCount(4);
  await page.getByRole('button', { name: 'New', exact: true }).click();
  await page.getByRole('dialog', { name: 'Unsaved changes' }).getByRole('button', { name: 'Discard changes' }).click();
  await expect(page.getByRole('group', { name: /^node / })).toHaveCount(0);

  // Import reads a file from this computer; it opens as not saved yet.
  await page
    .getByLabel('Import pipeline file')
    .setInputFiles({ name: 'imported.json', mimeType: 'application/json', buffer: Buffer.from(exported) });
  await expect(page.getByRole('group', { name: /^node / })).toHaveCount(5);
  await expect(page.getByTestId('doc-title')).toContainText('not saved');
  // A file that is not a pipeline is refused with its line.
  await page.getByRole('button', { name: 'New', exact: true }).click();
  await page.getByRole('dialog', { name: 'Unsaved changes' }).getByRole('button', { name: 'Discard changes' }).click();
  await page.getByLabel('Import pipeline file').setInputFiles({
    name: 'bad.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{\n  "version": 1,\n  "nodes": [\n'),
  });
  await expect(page.getByRole('alert', { name: 'notice' })).toContainText(
    'bad.json cannot be opened in the editor: line 4',
  );

  // Recent files are listed in the Open dialog and reopen.
  await page.getByRole('button', { name: 'Open…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Open pipeline' });
  await dialog.getByRole('button', { name: 'Open recent files.json', exact: true }).click();
  await expect(page.getByTestId('doc-title')).toContainText('files.json');
  await expect(page.getByRole('group', { name: /^node / })).toHaveCount(5);
});

test('the minimap draws every node and moves the view to where it is clicked or dragged; its wheel zooms', async ({
  page,
}) => {
  await page.goto(url());
  await expect(page.getByRole('group', { name: 'node room', exact: true })).toBeVisible();
  const minimap = page.getByRole('img', { name: /^minimap/ });
  // A graph that fits the canvas opens without it (it would cover nodes); the map button brings it, and it stays
  // (remembered) after a reload.
  await expect(minimap).toHaveCount(0);
  await page.getByRole('button', { name: 'show the minimap' }).click();
  await expect(minimap).toBeVisible();
  await page.reload();
  await expect(minimap).toBeVisible();
  await expect(page.getByRole('button', { name: 'hide the minimap' })).toHaveAttribute('aria-pressed', 'true');
  // The nodes are painted: boxes in the three category colours.
  const colours = () =>
    minimap.locator('canvas').evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const seen = new Set<string>();
      for (let i = 0; i < d.length; i += 4) if (d[i + 3]! > 200) seen.add(`${d[i]},${d[i + 1]},${d[i + 2]}`);
      return [...seen];
    });
  await expect.poll(colours).toEqual(expect.arrayContaining(['79,127,196', '176,138,58', '63,154,104']));

  const frame = minimap.locator('.minimap-view');
  const centre = async () => {
    const b = (await frame.boundingBox())!;
    return { x: b.x + b.width / 2, y: b.y + b.height / 2, width: b.width };
  };
  for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Zoom In' }).click();
  const box = (await minimap.locator('canvas').boundingBox())!;
  const room = page.getByRole('group', { name: 'node room', exact: true });
  const before = (await settled(room)).x;

  // A click centres the view there: the frame follows, and the graph under the canvas moves.
  await page.mouse.click(box.x + box.width * 0.7, box.y + box.height * 0.6);
  await expect.poll(async () => Math.abs((await centre()).x - (box.x + box.width * 0.7))).toBeLessThan(1);
  expect(Math.abs((await centre()).y - (box.y + box.height * 0.6))).toBeLessThan(1);
  expect((await settled(room)).x).not.toBe(before);

  // A drag keeps moving it.
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.4, { steps: 5 });
  await page.mouse.up();
  await expect.poll(async () => Math.abs((await centre()).x - (box.x + box.width * 0.4))).toBeLessThan(1);

  // The wheel zooms: zooming out shows more of the graph, so the frame grows.
  const width = (await centre()).width;
  await page.mouse.wheel(0, 200);
  await expect.poll(async () => (await centre()).width).toBeGreaterThan(width * 1.1);
});

test('a large pipeline opens whole and framed: every node and wire is drawn, all of it in view', async ({ page }) => {
  const doc = largePipeline(10);
  writeFileSync(join(workspace(), 'large.json'), serializeDocument(doc));
  await page.goto(url());
  await expect(page.getByRole('group', { name: 'node room', exact: true })).toBeVisible();
  await openFile(page, 'large.json');
  // The nodes are put on the canvas a slice at a time; in the end all of them are there, with all their wires.
  await expect(page.getByRole('group', { name: /^node / })).toHaveCount(doc.nodes.length);
  await expect(page.locator('.react-flow__edge')).toHaveCount(doc.edges.length);
  await expect
    .poll(() =>
      page.evaluate(() => {
        const pane = document.querySelector('.react-flow__pane')!.getBoundingClientRect();
        return [...document.querySelectorAll('.react-flow__node')].filter((n) => {
          const r = n.getBoundingClientRect();
          return r.left < pane.left || r.top < pane.top || r.right > pane.right || r.bottom > pane.bottom;
        }).length;
      }),
    )
    .toBe(0);
  await expect(page.getByRole('region', { name: 'problems' })).toContainText('No problems');
});

test('while the canvas is being panned the rate chart holds still, and it catches up when the pan ends', async ({
  page,
}) => {
  await page.goto(url());
  await expect(page.getByRole('group', { name: 'node room', exact: true })).toBeVisible();
  await page.getByRole('banner').getByRole('button', { name: 'Run' }).click();
  const line = page
    .getByRole('region', { name: 'records per second chart' })
    .locator('path.recharts-line-curve')
    .first();
  const drawn = () => line.getAttribute('d');
  // The chart moves on once a second while the run goes.
  const first = await drawn();
  await expect.poll(drawn, { timeout: 5_000 }).not.toBe(first);

  // Grab the empty canvas (no node, wire or control under the pointer) and pan.
  const spot = await emptySpot(page);
  const view = page.locator('.react-flow__viewport');
  const before = await view.getAttribute('style');
  await page.mouse.move(spot.x, spot.y);
  await page.mouse.down();
  await page.mouse.move(spot.x + 10, spot.y + 5);
  const during = await drawn();
  for (let i = 0; i < 50; i++) {
    await page.mouse.move(spot.x + 10 + (i % 10) * 4, spot.y + 5 + (i % 5) * 3);
    await page.waitForTimeout(50);
  }
  expect(await view.getAttribute('style')).not.toBe(before);
  // 2.5 s of panning: the chart has not been redrawn.
  expect(await drawn()).toBe(during);
  await page.mouse.up();
  await expect.poll(drawn, { timeout: 3_000 }).not.toBe(during);

  await page.getByRole('banner').getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByRole('status', { name: 'run state' })).toHaveText('idle');
});
