/** A throwaway CA, a server certificate (for 127.0.0.1 and localhost unless told) and a client certificate, made with `openssl`. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCerts {
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

/** `serverAltNames`: the server certificate's subjectAltName (default `IP:127.0.0.1,DNS:localhost`). */
export function createTestCerts(serverAltNames = 'IP:127.0.0.1,DNS:localhost'): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'hookhub-certs-'));
  const path = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=hookhub test CA',
    '-keyout',
    path('ca.key'),
    '-out',
    path('ca.pem'),
  );
  const issue = (name: string, subject: string, ext: string): void => {
    writeFileSync(path(`${name}.ext`), ext);
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', subject, '-keyout', path(`${name}.key`), '-out', path(`${name}.csr`));
    openssl(
      'x509',
      '-req',
      '-in',
      path(`${name}.csr`),
      '-CA',
      path('ca.pem'),
      '-CAkey',
      path('ca.key'),
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      path(`${name}.ext`),
      '-out',
      path(`${name}.pem`),
    );
  };
  issue('server', '/CN=hookhub test server', `subjectAltName=${serverAltNames}\nextendedKeyUsage=serverAuth\n`);
  issue('client', '/CN=hookhub', 'extendedKeyUsage=clientAuth\n');
  return {
    dir,
    ca: path('ca.pem'),
    serverCert: path('server.pem'),
    serverKey: path('server.key'),
    clientCert: path('client.pem'),
    clientKey: path('client.key'),
  };
}
