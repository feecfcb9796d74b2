/**
 * The Probot reference: the `probot` package's own Node middleware and webhook verification, with a
 * minimal app (one no-op handler for `pull_request` and `issues`), keeping nothing: Probot is in
 * memory, hookhub persists. Prints `{"ready":true,"port":N}` when listening.
 * Usage: probot-server.ts --secret S
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { createNodeMiddleware, Probot } from 'probot';

const { values } = parseArgs({ options: { secret: { type: 'string' } } });
// Probot insists on GitHub App credentials; the app never calls GitHub, so a throwaway key will do.
const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const probot = new Probot({ appId: 1, privateKey, secret: values.secret ?? '', logLevel: 'warn' });
let handled = 0;
const middleware = await createNodeMiddleware(
  (app) => {
    app.on(['pull_request', 'issues'], () => {
      handled += 1;
    });
  },
  { probot, webhooksPath: '/hooks/github' },
);

const server = createServer((req, res) => {
  void middleware(req, res, () => res.writeHead(404).end());
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ ready: true, port: (server.address() as AddressInfo).port })}\n`);
});
process.once('SIGTERM', () => {
  process.stderr.write(`probot reference handled ${handled} webhooks\n`);
  server.close();
  server.closeAllConnections();
  process.exit(0);
});
