import { createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';

export interface FakeAppSettings {
  appId: string;
  installationId: number;
  /** PEM of the App's public key: JWTs must verify against it. */
  publicKey: string;
  /** Lifetime of installation tokens. GitHub's is 1 h. */
  tokenTtlMs?: number;
  /** What the installation granted. Default: write on repository and organization hooks. */
  permissions?: Record<string, 'read' | 'write'>;
}

const HOOK_PERMISSIONS = { repository_hooks: 'write', organization_hooks: 'write' } as const;

/** Who may call the fake: personal access tokens, and installation tokens it minted (until they expire). */
export function createFakeAuth(options: { tokens: readonly string[]; app?: FakeAppSettings; now: () => Date }) {
  const minted = new Map<string, Date>();
  const key: KeyObject | undefined = options.app ? createPublicKey(options.app.publicKey) : undefined;
  const issued: { token: string; expiresAt: Date }[] = [];

  /** The credential in `Authorization: token x` / `Bearer x`, if valid. */
  function tokenOk(header: string | undefined): boolean {
    const token = /^(?:token|bearer)\s+(\S+)$/i.exec(header ?? '')?.[1];
    if (!token) return false;
    if (options.tokens.includes(token)) return true;
    const expires = minted.get(token);
    return expires !== undefined && expires.getTime() > options.now().getTime();
  }

  /** Checks an App JWT (RS256, iss = app id, not expired, at most 10 min long): the reason it fails, or undefined. */
  function jwtProblem(header: string | undefined): string | undefined {
    const jwt = /^bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
    if (!jwt || !key || !options.app) return 'A JSON web token could not be decoded';
    const [head, body, sig] = jwt.split('.');
    if (!head || !body || !sig) return 'A JSON web token could not be decoded';
    const signed = verify('RSA-SHA256', Buffer.from(`${head}.${body}`), key, Buffer.from(sig, 'base64url'));
    if (!signed) return 'A JSON web token could not be decoded';
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as { iss?: unknown; iat?: number; exp?: number };
    const nowS = Math.floor(options.now().getTime() / 1000);
    if (String(claims.iss) !== options.app.appId) return "'Issuer' claim ('iss') must match the app id";
    if (typeof claims.exp !== 'number' || claims.exp <= nowS)
      return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
    if (typeof claims.iat !== 'number' || claims.exp - claims.iat > 600 || claims.iat > nowS + 60)
      return "'Expiration time' claim ('exp') is too far in the future";
    return undefined;
  }

  /** What an installation token lacks for a hooks call, as GitHub's `x-accepted-github-permissions` says it; PATs lack nothing. */
  function missingPermission(header: string | undefined, method: string, path: string): string | undefined {
    const token = /^token\s+(\S+)$/i.exec(header ?? '')?.[1];
    const scope = /^\/repos\/[^/]+\/[^/]+\/hooks/.test(path)
      ? 'repository_hooks'
      : /^\/orgs\/[^/]+\/hooks/.test(path)
        ? 'organization_hooks'
        : undefined;
    if (!token || !minted.has(token) || !scope) return undefined;
    const need = method === 'GET' ? 'read' : 'write';
    const have: string | undefined = permissions()[scope];
    return have === 'write' || have === need ? undefined : `${scope}=${need}`;
  }

  const permissions = (): Record<string, string> => options.app?.permissions ?? HOOK_PERMISSIONS;

  function mint(): { token: string; expiresAt: Date } {
    const token = `ghs_${randomBytes(18).toString('base64url')}`;
    const expiresAt = new Date(options.now().getTime() + (options.app?.tokenTtlMs ?? 3600_000));
    minted.set(token, expiresAt);
    issued.push({ token, expiresAt });
    return { token, expiresAt };
  }

  return { tokenOk, jwtProblem, missingPermission, permissions, mint, issued };
}
