/**
 * The one place that reads process.env. Everything else receives a HubEnv.
 */
export interface HubEnv {
  /** All variables, for `${VAR}` interpolation in hookhub.yaml. */
  vars: Readonly<Record<string, string | undefined>>;
  /** `PORT` as given; loadConfig checks it, so a PORT that is not a port is an error rather than a guess. */
  port?: string;
  natsUrl?: string;
  dataDir?: string;
  configPath?: string;
  logLevel?: string;
  /** `HOOKHUB_TOKEN`: an API token for CLI commands that talk to a running hub (`listen`). */
  token?: string;
  /** `LOG_FORMAT` as given (json or pretty); checked by the logging code. */
  logFormat?: string;
}

export function readEnv(env: NodeJS.ProcessEnv = process.env): HubEnv {
  return {
    vars: { ...env },
    ...(env.PORT ? { port: env.PORT } : {}),
    ...(env.HOOKHUB_NATS_URL ? { natsUrl: env.HOOKHUB_NATS_URL } : {}),
    ...(env.HOOKHUB_DATA_DIR ? { dataDir: env.HOOKHUB_DATA_DIR } : {}),
    ...(env.HOOKHUB_CONFIG ? { configPath: env.HOOKHUB_CONFIG } : {}),
    ...(env.LOG_LEVEL ? { logLevel: env.LOG_LEVEL } : {}),
    ...(env.HOOKHUB_TOKEN ? { token: env.HOOKHUB_TOKEN } : {}),
    ...(env.LOG_FORMAT ? { logFormat: env.LOG_FORMAT } : {}),
  };
}
