/**
 * The web host's guards, tried from Chromium as an attacker would: a page of another origin that knows the token,
 * a page on the studio's own origin without it, and a DNS-rebinding name that resolves to 127.0.0.1.
 */
import { createServer, type Server } from 'node:http';
import { expect, test, chromium, type Page } from '@playwright/test';
import { ownStudio } from './studio-host';

ownStudio();

const studio = () => new URL(process.env.SLUICE_URL!);
const token = () => new URLSearchParams(studio().hash.slice(1)).get('token')!;
const apiUrl = (host: string, withToken: boolean) =>
  `ws://${host}/api${withToken ? `?token=${encodeURIComponent(token())}` : ''}`;

/** From the page: open a WebSocket to `url`, send a call, and say what happened (opened? an answer? how it closed). */
function tryApi(page: Page, url: string): Promise<{ opened: boolean; answer: string | null; closeCode: number }> {
  return page.evaluate(
    (u) =>
      new Promise((resolve) => {
        const ws = new WebSocket(u);
        let opened = false;
        let answer: string | null = null;
        ws.onopen = () => {
          opened = true;
          ws.send(JSON.stringify({ t: 'call', id: 1, method: 'hostInfo', args: [] }));
        };
        ws.onmessage = (e) => {
          answer = String(e.data);
          ws.close();
        };
        ws.onclose = (e) => resolve({ opened, answer, closeCode: e.code });
        setTimeout(() => resolve({ opened, answer, closeCode: -1 }), 5000);
      }),
    url,
  );
}

let evil: Server;
let evilOrigin: string;
test.beforeAll(async () => {
  // Another site on this machine: any page the user happens to open.
  evil = createServer((_req, res) =>
    res
      .writeHead(200, { 'Content-Type': 'text/html' })
      .end('<!doctype html><title>another site</title><p>nothing to see</p>'),
  );
  await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
  evilOrigin = `http://127.0.0.1:${(evil.address() as { port: number }).port}`;
});
test.afterAll(() => new Promise<void>((r) => evil.close(() => r())));

test('the engine answers the studio’s own page with the token, and refuses the same page without it', async ({
  page,
}) => {
  await page.goto(process.env.SLUICE_URL!);
  await expect(page.getByTestId('connection')).toHaveText('engine connected');
  const ok = await tryApi(page, apiUrl(studio().host, true));
  expect(ok.opened).toBe(true);
  expect(JSON.parse(ok.answer!)).toMatchObject({ t: 'result', id: 1 });
  const without = await tryApi(page, apiUrl(studio().host, false));
  expect(without).toMatchObject({ opened: false, answer: null, closeCode: 1006 });
  // The studio opened without the token says so instead of working half-way.
  await page.goto(`${studio().origin}/`);
  await expect(page.getByTestId('connection')).not.toHaveText('engine connected', { timeout: 5000 });
});

test('a page of another origin that has the token is refused (Origin check), and cannot read the studio’s files', async ({
  page,
}) => {
  await page.goto(evilOrigin);
  await expect(page).toHaveTitle('another site');
  const stolen = await tryApi(page, apiUrl(studio().host, true));
  expect(stolen).toMatchObject({ opened: false, answer: null, closeCode: 1006 });
  // Reading the studio's page across origins: blocked by the browser (no CORS), and marked same-origin only.
  const read = await page.evaluate(
    (u) =>
      fetch(u)
        .then((r) => r.text())
        .then(
          () => 'read',
          (e: Error) => `blocked: ${e.name}`,
        ),
    `${studio().origin}/`,
  );
  expect(read).toBe('blocked: TypeError');
});

test('a DNS-rebinding name that resolves to 127.0.0.1 is refused by the Host check, pages and API alike', async () => {
  // A browser of its own whose resolver sends rebind.test to this machine, as a rebinding attacker's DNS would.
  const browser = await chromium.launch({
    executablePath: process.env.SLUICE_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--host-resolver-rules=MAP rebind.test 127.0.0.1',
    ],
  });
  try {
    const page = await browser.newPage();
    const port = studio().port;
    const response = await page.goto(`http://rebind.test:${port}/`);
    expect(response?.status()).toBe(421);
    expect(await page.textContent('body')).toContain('unknown Host');
    const api = await tryApi(page, apiUrl(`rebind.test:${port}`, true));
    expect(api).toMatchObject({ opened: false, answer: null, closeCode: 1006 });
  } finally {
    await browser.close();
  }
});
