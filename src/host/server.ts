/**
 * The web host: serves the built studio and the typed API over a WebSocket, for machines without Electron.
 *
 * Bound to 127.0.0.1 only. Every start has a random token that the page presents (it comes in the URL's
 * fragment, which browsers never send to servers or in referrers). A WebSocket without the token, or from a
 * foreign Origin, or for a foreign Host (DNS rebinding) is refused.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocketServer } from 'ws';

import { serveStudio, type StudioService } from '../engine/services/studio';
import { wsPort } from './ws-port';

export interface WebHostOptions {
  service: StudioService;
  /** The built renderer (index.html and assets). */
  staticDir: string;
  port?: number;
  token?: string;
}

export interface WebHost {
  /** The URL to open, with the token in its fragment. */
  url: string;
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export const API_PATH = '/api';

/** The Content-Security-Policy of the studio page: our own scripts only, and our own WebSocket. */
export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    // The preview's <video> plays a MediaSource through a blob: URL.
    'media-src blob:',
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

const sameSecret = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  let port = 0;
  const allowedHosts = (): string[] => [`127.0.0.1:${port}`, `localhost:${port}`];
  const allowedOrigins = (): string[] => allowedHosts().map((h) => `http://${h}`);

  const serveStatic = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const headers = {
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
    };
    if (!allowedHosts().includes(req.headers.host ?? '')) {
      res.writeHead(421, headers).end('misdirected request: unknown Host');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, Allow: 'GET, HEAD' }).end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://x');
    const rel = normalize(decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname)).replace(
      /^([/\\])+/,
      '',
    );
    const file = join(options.staticDir, rel);
    if (rel.startsWith('..') || !file.startsWith(options.staticDir + sep)) {
      res.writeHead(404, headers).end('not found');
      return;
    }
    try {
      const body = await readFile(file);
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      const extra = type.startsWith('text/html')
        ? { 'Content-Security-Policy': contentSecurityPolicy(port), 'Cache-Control': 'no-store' }
        : {};
      res.writeHead(200, { ...headers, ...extra, 'Content-Type': type }).end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, headers).end('not found');
    }
  };

  const server = createServer((req, res) => void serveStatic(req, res));
  const wss = new WebSocketServer({ noServer: true, maxPayload: 32 * 1024 * 1024 });

  server.on('upgrade', (req, socket, head) => {
    const refuse = (status: number, why: string): void => {
      socket.end(`HTTP/1.1 ${status} ${why}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${why}\n`);
    };
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== API_PATH) return refuse(404, 'Not Found');
    if (!allowedHosts().includes(req.headers.host ?? '')) return refuse(421, 'Misdirected Request: unknown Host');
    const origin = req.headers.origin;
    // Browsers always send Origin on WebSockets; a foreign one is another site trying to reach the engine.
    if (origin !== undefined && !allowedOrigins().includes(origin)) return refuse(403, 'Forbidden: foreign Origin');
    if (!sameSecret(url.searchParams.get('token') ?? '', token))
      return refuse(401, 'Unauthorized: missing or wrong token');
    wss.handleUpgrade(req, socket, head, (ws) => {
      const detach = serveStudio(wsPort(ws), options.service);
      ws.on('close', detach);
      ws.on('error', detach);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/#token=${token}`,
    origin,
    port,
    token,
    async close() {
      for (const c of wss.clients) c.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
