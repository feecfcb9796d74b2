/**
 * GitHub's answer to a failed call in words, with the likely fix. When GitHub names the permission an App or a
 * fine-grained token lacks (`x-accepted-github-permissions`), the fix names it as GitHub's settings spell it.
 * https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api#insufficient-permission-errors
 */
export function describeApiError(err: unknown): string {
  const e = err as { status?: number; message?: string; response?: { headers?: Readonly<Record<string, unknown>> } };
  const headers = e.response?.headers ?? {};
  const hint = (e.status && (permissionHint(headers) ?? STATUS_HINTS[e.status])) || '';
  return `${e.message ?? String(err)}${e.status ? ` [HTTP ${e.status}]` : ''}${hint}`;
}

const STATUS_HINTS: Record<number, string> = {
  401: ' (the token or App credentials are not valid)',
  403: ' (the token lacks permission to manage webhooks, or a rate limit)',
  404: ' (no such repo/org, or the token cannot see it or administer its hooks)',
};

/** How GitHub's settings pages name the fine-grained permissions hookhub uses. */
const PERMISSION_NAMES: Record<string, string> = {
  repository_hooks: 'Repository permissions > Webhooks',
  organization_hooks: 'Organization permissions > Webhooks',
  checks: 'Repository permissions > Checks',
  contents: 'Repository permissions > Contents',
  pull_requests: 'Repository permissions > Pull requests',
  metadata: 'Repository permissions > Metadata',
};
const ACCESS_NAMES: Record<string, string> = { read: 'Read-only', write: 'Read and write', admin: 'Admin' };

/** `repository_hooks=write; organization_hooks=admin` (alternatives, each a comma list) in words. */
function permissionHint(headers: Readonly<Record<string, unknown>>): string | undefined {
  const accepted = headers['x-accepted-github-permissions'];
  if (typeof accepted !== 'string' || accepted.trim() === '') return undefined;
  const sets = accepted.split(';').map((set) =>
    set
      .split(',')
      .map((pair) => {
        const [name = '', access = ''] = pair.trim().split('=');
        return `${PERMISSION_NAMES[name] ?? name}: ${ACCESS_NAMES[access] ?? access}`;
      })
      .join(' and '),
  );
  return ` (missing permission: give the App or fine-grained token ${sets.join(', or ')} (${accepted.trim()}); an App's installation must then accept the new permission)`;
}
