import { writeFileSync } from 'node:fs';

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createStudioService } from '../src/engine/services/studio';
import { startWebHost, type WebHost } from '../src/host/server';
import { ROOT, tempDir } from './helpers';
import { builtinRegistry } from '../src/engine/nodes/registry';

let host: WebHost;
beforeAll(async () => {
  const staticDir = tempDir('static');
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>studio</title>');
  const service = createStudioService({
    registry: builtinRegistry,
    resourcesDir: join(ROOT, 'resources'),
    workspaceDir: tempDir('ws'),
  });
  host = await startWebHost({ service, staticDir });
});
afterAll(() => host.close());

/** Open a WebSocket; resolve with it when open, or with the HTTP status of the refusal. */
function connect(url: string, headers: Record<string, string> = {}): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', reject);
  });
}
const next = (ws: WebSocket): Promise<Record<string, unknown>> =>
  new Promise((resolve) => ws.once('message', (d) => resolve(JSON.parse(String(d)) as Record<string, unknown>)));
const api = () => `ws://127.0.0.1:${host.port}/api`;

describe('web host', () => {
  it('listens on 127.0.0.1 only and serves the studio with a CSP', async () => {
    expect(host.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${host.origin}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain(`connect-src 'self' ws://127.0.0.1:${host.port}`);
    expect((await fetch(`${host.origin}/../../package.json`)).status).toBe(404);
  });

  it('refuses a WebSocket without the token, or with a wrong one', async () => {
    expect(await connect(api(), { Origin: host.origin })).toBe(401);
    expect(await connect(`${api()}?token=wrong`, { Origin: host.origin })).toBe(401);
  });

  it('refuses a foreign Origin even with the token', async () => {
    expect(await connect(`${api()}?token=${host.token}`, { Origin: 'http://evil.example' })).toBe(403);
  });

  it('refuses a foreign Host (DNS rebinding)', async () => {
    expect(await connect(`${api()}?token=${host.token}`, { Host: `attacker.test:${host.port}` })).toBe(421);
  });

  it('answers a malformed message with an error and keeps the connection up', async () => {
    const ws = (await connect(`${api()}?token=${host.token}`, { Origin: host.origin })) as WebSocket;
    ws.send('{not json');
    expect(await next(ws)).toEqual({
      t: 'error',
      id: null,
      error: expect.objectContaining({ code: 'bad-message', message: expect.stringMatching(/^malformed message/) }),
    });
    ws.send(JSON.stringify({ t: 'call', id: 1, method: 'constructor', args: [] }));
    expect(await next(ws)).toEqual({
      t: 'error',
      id: 1,
      error: { code: 'bad-message', message: 'unknown method "constructor"' },
    });
    ws.send(JSON.stringify({ t: 'call', id: 2, method: 'openPipeline', args: [7] }));
    expect(await next(ws)).toEqual({
      t: 'error',
      id: 2,
      error: { code: 'bad-args', message: 'openPipeline: argument 1: expected string, received number' },
    });
    ws.send(JSON.stringify({ t: 'call', id: 3, method: 'status', args: [] }));
    expect(await next(ws)).toEqual({ t: 'result', id: 3, value: { phase: 'idle', nodeStates: {} } });
    ws.close();
  });
});
