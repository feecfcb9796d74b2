/**
 * Diagnostic for the ingest row: hookhub's own ingress (IngressServer, connectors, the configured
 * bus) with no rule router, workers or scheduler in the process, so the table can show how much
 * of the hub's ingest cost is the ingest path itself. Prints `{"ready":true,"port":N}`.
 * Usage: ingress-only.ts --config FILE [--no-body-dedup]
 * --no-body-dedup treats every connector as one that signs more than the body, so no event carries a
 * content key: the table can show what the replay check on a body signed alone (GitHub's) costs, which the
 * references do not do. It only measures; hookhub itself has no such setting.
 */
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { createBus } from '../../src/bus/create-bus.ts';
import { readEnv } from '../../src/config/env.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { createConnectorInstances } from '../../src/ingress/connector-instances.ts';
import type { ConnectorInstance } from '../../src/ingress/hooks-route.ts';
import { IngressServer } from '../../src/ingress/ingress-server.ts';

const { values } = parseArgs({ options: { config: { type: 'string' }, 'no-body-dedup': { type: 'boolean', default: false } } });
const config = await loadConfig(values.config ?? 'hookhub.yaml', readEnv({}));
const bus = await createBus(config.bus);
const connectors = createConnectorInstances(config.connectors);
if (values['no-body-dedup']) {
  for (const [name, instance] of connectors) connectors.set(name, withoutBodyDedup(instance));
}
const ingress = new IngressServer({
  connectors,
  bus,
  bodyLimit: config.server.bodyLimit,
  logger: pino({ level: 'warn' }),
});
const port = await ingress.listen(0, '127.0.0.1');
process.stdout.write(`${JSON.stringify({ ready: true, port })}\n`);
process.once(
  'SIGTERM',
  () =>
    void ingress
      .close()
      .then(() => bus.close())
      .then(() => process.exit(0)),
);

function withoutBodyDedup(instance: ConnectorInstance): ConnectorInstance {
  return { ...instance, connector: { ...instance.connector, signsOnlyBody: () => false } };
}
