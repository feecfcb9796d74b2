import { didYouMean } from '../../shared/closest-match.ts';
import { THROTTLE_MAX_LIMIT, type NoiseSpecInput } from '../../noise/noise-spec.ts';
import { splitList } from './command-tokens.ts';
import { FEATURE_ALIASES, PROVIDERS, type Provider } from '../compile/features.ts';
import { parseMuteDuration } from './durations.ts';
import { emptyFilters, type AmountOp, type FeatureSelection, type Filters } from '../subscription.ts';

export interface SubscribeOptions {
  features: FeatureSelection[];
  filters: Filters;
  noise?: NoiseSpecInput;
}

const AMOUNT = /^(>=|<=|>|<|=)\s*(\d+(?:\.\d+)?)\s*([A-Za-z]{3})?$/;
const FILTER = /^([+-])(label|author):(.*)$/i;

/** Features, filters and noise options after the target. Returns a helpful message for the first bad word. */
export function parseSubscribeOptions(provider: Provider, words: readonly string[]): SubscribeOptions | { error: string } {
  const out: SubscribeOptions = { features: [], filters: emptyFilters() };
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? '';
    const next = words[i + 1];
    // `>=100 USD`: the currency may be a word of its own.
    const amountText =
      next !== undefined && /^[A-Za-z]{3}$/.test(next) && AMOUNT.test(word) && !/[A-Za-z]$/.test(word) ? `${word}${next}` : word;
    if (amountText !== word) i++;
    const error = parseWord(provider, amountText, out);
    if (error) return { error };
  }
  return out;
}

/** Git refs are at most a few hundred characters; a glob beyond these bounds is a mistake or an attack. */
const MAX_GLOB_LENGTH = 200;
const MAX_GLOB_WILDCARDS = 8;

function addBranch(glob: string, out: SubscribeOptions): string | undefined {
  if (glob.length > MAX_GLOB_LENGTH) return `branch: a glob is at most ${MAX_GLOB_LENGTH} characters`;
  if ((glob.match(/\*+/g) ?? []).length > MAX_GLOB_WILDCARDS)
    return `branch: a glob has at most ${MAX_GLOB_WILDCARDS} wildcards (e.g. branch:release/*)`;
  out.filters.branches.push(glob);
  return undefined;
}

function parseWord(provider: Provider, word: string, out: SubscribeOptions): string | undefined {
  const filter = FILTER.exec(word);
  if (filter) return addFilter(provider, filter[1] === '+', (filter[2] ?? '').toLowerCase(), filter[3] ?? '', out.filters);
  if (/^[<>=]/.test(word)) return addAmount(provider, word, out.filters);
  const [name = '', arg] = splitOnce(word.toLowerCase(), ':');
  if (name === 'branch') return arg ? addBranch(arg, out) : 'branch: needs a branch name or glob, e.g. branch:main or branch:release/*';
  if (name === 'group' || name === 'throttle') return addNoise(name, arg, out);
  return addFeature(provider, name, arg, out.features);
}

function addFilter(provider: Provider, include: boolean, kind: string, value: string, filters: Filters): string | undefined {
  const values = splitList(value);
  if (values.length === 0)
    return `${include ? '+' : '-'}${kind}: needs a value, e.g. ${include ? '+' : '-'}${kind}:${kind === 'label' ? 'bug' : 'dependabot[bot]'}`;
  if (kind === 'label') {
    if (provider !== 'github' && provider !== 'gitlab') return 'label filters apply to GitHub and GitLab targets only';
    if (include) filters.labelsAll.push(values);
    else filters.labelsNone.push(...values);
    return undefined;
  }
  if (provider === 'stripe' || provider === 'razorpay') return 'author filters do not apply to payments';
  (include ? filters.authorsIn : filters.authorsOut).push(...values);
  return undefined;
}

function addAmount(provider: Provider, word: string, filters: Filters): string | undefined {
  const match = AMOUNT.exec(word);
  if (provider !== 'stripe' && provider !== 'razorpay') return `"${word}": amount filters apply to stripe and razorpay payments`;
  if (!match) return `"${word}" is not an amount filter; write it like >=100 USD, >50 EUR or <10 USD`;
  if (filters.amount) return 'only one amount filter per subscription';
  const currency = match[3]?.toUpperCase();
  filters.amount = { op: match[1] as AmountOp, value: Number(match[2]), ...(currency ? { currency } : {}) };
  return undefined;
}

function addNoise(name: 'group' | 'throttle', arg: string | undefined, out: SubscribeOptions): string | undefined {
  if (name === 'group') {
    const wait = arg === undefined ? undefined : parseMuteDuration(arg);
    if (wait === undefined) return 'group: needs a wait, e.g. group:1m (collect events for a minute, then send one digest)';
    out.noise = { ...out.noise, group: { wait: wait.ms } };
    return undefined;
  }
  const [max, per] = splitOnce(arg ?? '', '/');
  const window = per === undefined ? undefined : parseMuteDuration(per);
  if (!/^\d+$/.test(max ?? '') || Number(max) < 1 || window === undefined)
    return 'throttle: write it as throttle:<count>/<window>, e.g. throttle:10/1h';
  if (Number(max) > THROTTLE_MAX_LIMIT)
    return `throttle: at most ${THROTTLE_MAX_LIMIT} per window; use a shorter window for more, e.g. throttle:${THROTTLE_MAX_LIMIT}/1h`;
  out.noise = { ...out.noise, throttle: { max: Number(max), per: window.ms } };
  return undefined;
}

function addFeature(provider: Provider, name: string, arg: string | undefined, features: FeatureSelection[]): string | undefined {
  const def = PROVIDERS[provider];
  const alias = FEATURE_ALIASES[name]?.[provider];
  if (alias && arg === undefined) {
    for (const feature of alias) if (!features.some((f) => f.name === feature)) features.push({ name: feature });
    return undefined;
  }
  const feature = def.features[name];
  const known = Object.keys(def.features);
  if (!feature || provider === 'glob') {
    const choices =
      provider === 'glob' ? 'an event type glob takes filters only (-author:…)' : `features for ${def.label}: ${known.join(', ')}`;
    return `unknown feature or filter "${name}${arg !== undefined ? `:${arg}` : ''}"${didYouMean(name, known)}; ${choices}`;
  }
  if (arg !== undefined && name !== 'commits' && !feature.variants?.[arg]) {
    const variants = Object.keys(feature.variants ?? {});
    return `"${name}:${arg}": ${variants.length > 0 ? `${name} takes ${variants.map((v) => `${name}:${v}`).join(', ')}` : `${name} takes no option`}`;
  }
  const existing = features.findIndex((f) => f.name === name);
  if (existing >= 0) features.splice(existing, 1);
  features.push(arg === undefined ? { name } : { name, arg });
  return undefined;
}

function splitOnce(value: string, separator: string): [string, string | undefined] {
  const at = value.indexOf(separator);
  return at < 0 ? [value, undefined] : [value.slice(0, at), value.slice(at + 1)];
}
