import type { GithubHook } from './hooks-api.ts';
import { parseMarkedUrl } from './secret-fingerprint.ts';

/** The hook hookhub wants on a repo or org. */
export interface DesiredHook {
  /** `<publicUrl>/hooks/<connector>`, without the marker: how hookhub recognises its hooks. */
  url: string;
  /** The URL actually set: `url` plus the secret fingerprint marker. */
  markedUrl: string;
  fingerprint: string;
  secret: string;
  events: readonly string[];
}

export type HookPlan =
  | { action: 'create'; duplicates: Duplicates }
  | { action: 'update'; hook: GithubHook; changes: string[]; duplicates: Duplicates }
  | { action: 'unchanged'; hook: GithubHook; duplicates: Duplicates };

export interface Duplicates {
  /** Extra hooks with hookhub's marker (created by hookhub, e.g. by a race): removed. */
  remove: GithubHook[];
  /** Extra hooks at the hub's URL that someone else set up: left alone, reported. */
  foreign: GithubHook[];
}

/** Hooks pointing at the hub's URL (marker ignored), the best candidate first. */
export function hooksAtUrl(hooks: readonly GithubHook[], url: string, fingerprint?: string): GithubHook[] {
  const ours = hooks.filter((h) => h.config.url !== undefined && parseMarkedUrl(h.config.url).url === url);
  const rank = (h: GithubHook): number => {
    const mark = parseMarkedUrl(h.config.url ?? '').fingerprint;
    return mark !== undefined && mark === fingerprint ? 0 : mark !== undefined ? 1 : 2;
  };
  return ours.sort((a, b) => rank(a) - rank(b) || a.id - b.id);
}

/**
 * Decides what to do so that exactly one hook points at `desired.url` with the desired secret, events,
 * JSON content type and TLS verification. Hooks at other URLs are never touched.
 */
export function planHook(hooks: readonly GithubHook[], desired: DesiredHook): HookPlan {
  const [hook, ...rest] = hooksAtUrl(hooks, desired.url, desired.fingerprint);
  const duplicates: Duplicates = {
    remove: rest.filter((h) => parseMarkedUrl(h.config.url ?? '').fingerprint !== undefined),
    foreign: rest.filter((h) => parseMarkedUrl(h.config.url ?? '').fingerprint === undefined),
  };
  if (!hook) return { action: 'create', duplicates };
  const changes = hookChanges(hook, desired);
  return changes.length === 0 ? { action: 'unchanged', hook, duplicates } : { action: 'update', hook, changes, duplicates };
}

/** Human-readable differences between a hook and the desired one; empty when it is as wanted. */
export function hookChanges(hook: GithubHook, desired: DesiredHook): string[] {
  const changes: string[] = [];
  const mark = parseMarkedUrl(hook.config.url ?? '').fingerprint;
  if (mark === undefined) changes.push('secret set (hook was not set up by hookhub)');
  else if (mark !== desired.fingerprint) changes.push('secret changed');
  const have = [...new Set(hook.events)].sort();
  const want = [...new Set(desired.events)].sort();
  if (have.join(',') !== want.join(',')) changes.push(`events ${have.join(',') || '(none)'} -> ${want.join(',')}`);
  if (!hook.active) changes.push('reactivated');
  if (hook.config.content_type !== 'json') changes.push(`content type ${hook.config.content_type ?? '(none)'} -> json`);
  if (String(hook.config.insecure_ssl ?? '0') !== '0') changes.push('TLS verification turned back on');
  return changes;
}
