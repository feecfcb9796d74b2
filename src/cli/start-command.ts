import { InvalidArgumentError, type Command } from 'commander';
import { describeBus } from '../bus/create-bus.ts';
import { readEnv } from '../config/env.ts';
import { isLoopback } from '../config/exposure.ts';
import { loadConfig } from '../config/load-config.ts';
import { startHub } from '../hub.ts';
import { ALL_ROLES, HUB_ROLES, parseRoles, type HubRole } from '../hub-roles.ts';
import { createLogger } from '../logging/create-logger.ts';
import { chooseLogFormat, chooseLogLevel } from '../logging/log-format.ts';
import { configPathOption } from './config-path.ts';
import { withLocalAdminToken } from './local-admin-token.ts';
import { waitForShutdownSignal } from './shutdown-signals.ts';

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('start the hub: ingress, rule router and action workers (or some of them, with --role)')
    .option('-c, --config <file>', 'path to hookhub.yaml (default: $HOOKHUB_CONFIG or ./hookhub.yaml)')
    .option('--role <roles>', `what this process does, comma-separated: ${HUB_ROLES.join(', ')} (default: all)`, roleOption)
    .action(async (opts: { config?: string; role?: ReadonlySet<HubRole> }) => {
      const env = readEnv();
      const format = chooseLogFormat(env.logFormat, process.stdout.isTTY === true);
      const level = chooseLogLevel(env.logLevel);
      const loaded = await loadConfig(configPathOption(opts.config, env), env);
      const { config, tokenFile, problem } = await withLocalAdminToken(loaded);
      const logger = createLogger({ format, level });
      const roles = opts.role ?? ALL_ROLES;
      const hub = await startHub({ config, logger, env, roles });
      // Links for a person at this machine; the log line says what is really bound.
      const base = `http://${isLoopback(config.server.host) || config.server.host === '0.0.0.0' ? '127.0.0.1' : config.server.host}:${hub.port}`;
      logger.info({ address: hub.address, bus: describeBus(config.bus), roles: [...roles] }, `hookhub listening on ${hub.address}`);
      if (roles.has('ingress')) {
        for (const name of Object.keys(config.connectors)) logger.info(`connector ${name}: POST ${base}/hooks/${name}`);
        const login = tokenFile ? ` (no api.tokens configured: log in with the token in ${tokenFile})` : '';
        if (problem) logger.warn(problem);
        else logger.info(`dashboard: ${base}/${login}`);
      }
      await waitForShutdownSignal({
        on: (signal, listener) => process.on(signal, listener),
        now: Date.now,
        warn: (message) => logger.warn(message),
        exit: (code) => process.exit(code),
      });
      logger.info('shutting down');
      await hub.stop();
    });
}

function roleOption(value: string): ReadonlySet<HubRole> {
  try {
    return parseRoles(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}
