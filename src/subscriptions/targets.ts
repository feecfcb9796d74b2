import { isValidTypeGlob } from '../events/type-glob.ts';

/** What a subscription is about. */
export type Target =
  { provider: 'github' | 'gitlab'; path: string } | { provider: 'stripe' | 'razorpay' } | { provider: 'glob'; glob: string };

const SEGMENT = /^[A-Za-z0-9_.-]+$/;
const WEB_HOSTS: Readonly<Record<string, 'github' | 'gitlab'>> = {
  'github.com': 'github',
  'www.github.com': 'github',
  'gitlab.com': 'gitlab',
  'www.gitlab.com': 'gitlab',
};

/**
 * Parses a target word:
 * `owner/repo`, `owner/*`, `github:owner/repo` or a github.com URL → GitHub;
 * `gitlab:group[/subgroup]/project`, `gitlab:group/*` or a gitlab.com URL → GitLab;
 * `stripe`, `razorpay` → payments; `type:<glob>` or any dotted glob (`sentry.issue.*`) → event types.
 */
export function parseTarget(word: string): { target: Target } | { error: string } {
  const lower = word.toLowerCase();
  if (lower === 'stripe' || lower === 'razorpay') return { target: { provider: lower } };
  const url = parseWebUrl(word);
  if (url) return url;
  const prefixed = /^(github|gitlab|type):(.+)$/i.exec(word);
  if (prefixed?.[1]?.toLowerCase() === 'type') return parseGlob(prefixed[2] ?? '');
  if (prefixed) return parsePath(prefixed[1]?.toLowerCase() as 'github' | 'gitlab', prefixed[2] ?? '');
  if (word.includes('/')) return parsePath('github', word);
  if (word.includes('.')) return parseGlob(word);
  return {
    error: `"${word}" is not a target. Use owner/repo or owner/* (GitHub), gitlab:group/project, stripe, razorpay, or an event type glob such as sentry.issue.*`,
  };
}

function parsePath(provider: 'github' | 'gitlab', path: string): { target: Target } | { error: string } {
  const parts = path.replace(/\/+$/, '').split('/');
  const last = parts[parts.length - 1];
  const minParts = 2;
  const maxParts = provider === 'github' ? 2 : 20;
  const named = parts.slice(0, -1).every((p) => SEGMENT.test(p)) && last !== undefined && (last === '*' || SEGMENT.test(last));
  if (parts.length < minParts || parts.length > maxParts || !named) {
    const example =
      provider === 'github' ? 'owner/repo or owner/*' : 'gitlab:group/project, gitlab:group/subgroup/project or gitlab:group/*';
    return { error: `"${path}" is not a ${provider === 'github' ? 'GitHub' : 'GitLab'} target; use ${example}` };
  }
  return { target: { provider, path: parts.join('/').toLowerCase() } };
}

function parseGlob(glob: string): { target: Target } | { error: string } {
  const lower = glob.toLowerCase();
  if (!isValidTypeGlob(lower)) {
    return { error: `"${glob}" is not an event type glob: dotted segments, * for one segment, ** for the rest (e.g. sentry.issue.*)` };
  }
  return { target: { provider: 'glob', glob: lower } };
}

function parseWebUrl(word: string): { target: Target } | { error: string } | undefined {
  if (!/^https?:\/\//i.test(word)) return undefined;
  let url: URL;
  try {
    url = new URL(word);
  } catch {
    return undefined;
  }
  const provider = WEB_HOSTS[url.hostname.toLowerCase()];
  if (!provider)
    return { error: `${word}: only github.com and gitlab.com links are understood; for self-hosted GitLab use gitlab:group/project` };
  const path =
    url.pathname
      .replace(/^\/+/, '')
      .replace(/\.git$/, '')
      .split('/-/')[0] ?? '';
  return parsePath(provider, provider === 'github' ? path.split('/').slice(0, 2).join('/') : path);
}

/** The canonical spelling, used as part of the subscription id and in replies. */
export function targetKey(target: Target): string {
  if (target.provider === 'github') return target.path;
  if (target.provider === 'gitlab') return `gitlab:${target.path}`;
  if (target.provider === 'glob') return `type:${target.glob}`;
  return target.provider;
}
