/**
 * A certificate authority made by a test with openssl: its certificate (what a client trusts) and, for a server on
 * 127.0.0.1, a PEM key store (PKCS#8 key, then the certificate it signed) as Kafka's `ssl.keystore.type=PEM` reads.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestCa {
  /** The CA's certificate (PEM). */
  cert: string;
  /** A key and certificate for 127.0.0.1 / localhost, signed by this CA (PEM files)… */
  serverKey: string;
  serverCert: string;
  /** …and both in one PEM file. */
  serverKeystore: string;
}

const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });

export function makeCa(dir: string, name: string): TestCa {
  const at = (f: string) => join(dir, `${name}-${f}`);
  openssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    `/CN=${name} test CA`,
    '-keyout',
    at('ca.key'),
    '-out',
    at('ca.pem'),
  ]);
  openssl([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=127.0.0.1',
    '-keyout',
    at('server.key'),
    '-out',
    at('server.csr'),
  ]);
  writeFileSync(at('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl([
    'x509',
    '-req',
    '-days',
    '2',
    '-in',
    at('server.csr'),
    '-CA',
    at('ca.pem'),
    '-CAkey',
    at('ca.key'),
    '-CAcreateserial',
    '-extfile',
    at('ext.cnf'),
    '-out',
    at('server.pem'),
  ]);
  writeFileSync(at('keystore.pem'), readFileSync(at('server.key'), 'utf8') + readFileSync(at('server.pem'), 'utf8'));
  return {
    cert: at('ca.pem'),
    serverKey: at('server.key'),
    serverCert: at('server.pem'),
    serverKeystore: at('keystore.pem'),
  };
}
