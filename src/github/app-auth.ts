import { createAppAuth } from '@octokit/auth-app';
import type { EndpointOptions, RequestInterface, RequestParameters, Route } from '@octokit/types';
import githubAppJwt from 'universal-github-app-jwt';
import type { GithubAppConfig } from '../../connectors/github/config.ts';
import type { LiveSecrets } from '../operations/live-secrets.ts';

export interface InstallationAuthSettings {
  app: GithubAppConfig;
  now: () => Date;
  /** Mint a new installation token when the current one expires within this long. Default 5 min. */
  refreshBeforeMs?: number;
  /** Told (never with the token) each time a token is minted, for logs and tests. */
  onRefresh?: (expiresAt: Date) => void;
  /** Given each JWT and installation token as it is minted, so the workers mask them in what destinations echo. */
  secrets?: Pick<LiveSecrets, 'add'>;
}

/** GitHub takes an App's JWT for ten minutes at most; an installation token lives an hour. */
const JWT_LIFETIME_MS = 10 * 60_000;
const INSTALLATION_TOKEN_LIFETIME_MS = 60 * 60_000;

interface Token {
  token: string;
  expiresAt: Date;
}

/**
 * An Octokit `authStrategy` for a GitHub App installation. `@octokit/auth-app` signs the JWT and
 * exchanges it for an installation token; this layer decides when to mint a new one, on the injected
 * clock and the token's own `expires_at` (auth-app's cache assumes a fixed 59-minute lifetime), and
 * mints one again after a 401 (a revoked or rotated token) before giving up.
 */
export function installationAuthStrategy(settings: InstallationAuthSettings) {
  return (options: { request: RequestInterface }) => {
    const appAuth = createInstallationAppAuth(settings, options.request);
    const token = installationTokens(settings, appAuth);
    const auth = async () => ({ type: 'token', tokenType: 'installation', token: await token(false) });
    return Object.assign(auth, { hook: authorizingHook(appAuth, token) });
  };
}

type AppAuth = ReturnType<typeof createAppAuth>;

/** `@octokit/auth-app` for the App, its JWT signed on the injected clock and given to the live secrets. */
function createInstallationAppAuth(settings: InstallationAuthSettings, request: RequestInterface): AppAuth {
  const { app, now } = settings;
  return createAppAuth({
    appId: app.appId,
    ...(app.installationId !== undefined ? { installationId: app.installationId } : {}),
    request,
    // The JWT uses the injected clock too, so one clock drives every expiry decision.
    createJwt: async (appId, timeDifference = 0) => {
      const jwt = await githubAppJwt({ id: appId, privateKey: app.privateKey, now: Math.floor(now().getTime() / 1000) + timeDifference });
      settings.secrets?.add([jwt.token], new Date(now().getTime() + JWT_LIFETIME_MS));
      return { jwt: jwt.token, expiresAt: new Date(jwt.expiration * 1000).toISOString() };
    },
  });
}

/** The current installation token, minted again when it nears its expiry or when `force` asks (after a 401). */
function installationTokens(settings: InstallationAuthSettings, appAuth: AppAuth): (force: boolean) => Promise<string> {
  const { app, now } = settings;
  const margin = settings.refreshBeforeMs ?? 5 * 60_000;
  let current: Token | undefined;
  let pending: Promise<Token> | undefined;

  async function mint(): Promise<Token> {
    if (app.installationId === undefined)
      throw new Error('app.installationId is needed for this request (only the App webhook works without it)');
    const auth = await appAuth({ type: 'installation', refresh: true }).catch((err: unknown) => {
      throw installationTokenError(err, app);
    });
    const minted = { token: auth.token, expiresAt: new Date(auth.expiresAt) };
    settings.secrets?.add([minted.token], validUntil(minted.expiresAt, now));
    settings.onRefresh?.(minted.expiresAt);
    return minted;
  }

  return async function token(force: boolean): Promise<string> {
    const fresh = current && !force && current.expiresAt.getTime() - margin > now().getTime();
    if (fresh && current) return current.token;
    // Concurrent requests share one mint.
    pending ??= mint().finally(() => (pending = undefined));
    current = await pending;
    return current.token;
  };
}

/** Octokit's request hook: the App's own endpoints go to auth-app; the others carry the installation token, minted again once on a 401. */
function authorizingHook(appAuth: AppAuth, token: (force: boolean) => Promise<string>) {
  return async (request: RequestInterface, route: Route | EndpointOptions, parameters?: RequestParameters) => {
    const endpoint = request.endpoint.merge(route as string, parameters);
    const path = (endpoint.url ?? '').replace(request.endpoint.DEFAULTS.baseUrl, '').split('?')[0] ?? '';
    if (path === '/app' || path.startsWith('/app/')) return appAuth.hook(request, route, parameters);
    const send = async (force: boolean) =>
      request({ ...endpoint, url: endpoint.url ?? '', headers: { ...endpoint.headers, authorization: `token ${await token(force)}` } });
    try {
      return await send(false);
    } catch (err) {
      if ((err as { status?: number }).status !== 401) throw err;
      return send(true);
    }
  };
}

/** How long a minted installation token can work: its `expires_at`, or an hour when GitHub gave none that parses. */
function validUntil(expiresAt: Date, now: () => Date): Date {
  return Number.isNaN(expiresAt.getTime()) ? new Date(now().getTime() + INSTALLATION_TOKEN_LIFETIME_MS) : expiresAt;
}

/** Thrown when GitHub will not mint an installation token: says which setting is wrong, not the repo the call was for. */
class InstallationTokenError extends Error {
  override name = 'InstallationTokenError';
}

/**
 * A refused token request in terms of the App's settings. Without this, a wrong installation id surfaced as
 * "Not Found" on the repo or org being synced, which reads as a missing repo.
 * https://docs.github.com/en/rest/apps/apps#create-an-installation-access-token-for-an-app
 */
function installationTokenError(err: unknown, app: GithubAppConfig): unknown {
  const { status, message } = err as { status?: number; message?: string };
  const { appId, installationId } = app;
  const explained: Record<number, [string, string]> = {
    404: [
      `GitHub App ${appId} has no installation ${installationId}`,
      "check app.installationId (the number at the end of the installation's settings URL) and that the App is still installed",
    ],
    401: [`GitHub refused the JWT of App ${appId}`, 'check app.appId and that app.privateKey is a current key of that App'],
    403: [`GitHub refused a token for installation ${installationId} of App ${appId}`, 'the installation may be suspended'],
  };
  const [what, fix] = (status !== undefined && explained[status]) || [];
  if (what === undefined) return err;
  return new InstallationTokenError(`${what} (GitHub answered ${status}: ${message ?? String(err)}): ${fix}`, { cause: err });
}
