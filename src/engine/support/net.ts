/** Loopback ports for servers Sluice starts itself. */
import { createServer } from 'node:net';

/** A TCP port nothing listens on now, on 127.0.0.1 (the kernel picks it; for servers that cannot take port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
