import { toMinorUnits } from '../../shared/currency.ts';
import type { FeatureDef } from './features.ts';
import type { AmountOp, Filters } from '../subscription.ts';

export type Clause = Record<string, unknown>;

const AMOUNT_OPS: Readonly<Record<AmountOp, string>> = { '>=': '$gte', '>': '$gt', '<=': '$lte', '<': '$lt', '=': '$eq' };

/** `when` clauses for one feature's rule. Filters a feature has no field for do not apply to it. */
export function filterClauses(def: Omit<FeatureDef, 'variants'>, filters: Filters, branchArg?: string): Clause[] {
  const clauses: Clause[] = [];
  const anyOf = (paths: readonly string[], values: readonly string[]): Clause =>
    paths.length === 1 ? { [paths[0] ?? '']: { $in: values } } : { $or: paths.map((p) => ({ [p]: { $in: values } })) };
  if (def.labels) {
    for (const group of filters.labelsAll) clauses.push(anyOf(def.labels, group));
    if (filters.labelsNone.length > 0) clauses.push({ $nor: def.labels.map((p) => ({ [p]: { $in: filters.labelsNone } })) });
  }
  if (def.authors) {
    const paths = ['actor', ...def.authors];
    if (filters.authorsIn.length > 0) clauses.push(anyOf(paths, filters.authorsIn));
    if (filters.authorsOut.length > 0) clauses.push({ $nor: paths.map((p) => ({ [p]: { $in: filters.authorsOut } })) });
  }
  const branches = branchArg !== undefined ? [branchArg] : filters.branches;
  if (def.branch && branches.length > 0 && !branches.includes('*')) {
    const regex = `^${def.branch.refs ? 'refs/heads/' : ''}(${branches.map(branchRegex).join('|')})$`;
    const paths = def.branch.paths;
    clauses.push(paths.length === 1 ? { [paths[0] ?? '']: { $regex: regex } } : { $or: paths.map((p) => ({ [p]: { $regex: regex } })) });
  }
  if (def.amount && filters.amount) {
    const { op, value, currency } = filters.amount;
    clauses.push({ [def.amount.value]: { [AMOUNT_OPS[op]]: toMinorUnits(value, currency) } });
    if (currency) clauses.push({ [def.amount.currency]: def.amount.upperCurrency ? currency.toUpperCase() : currency.toLowerCase() });
  }
  return clauses;
}

/** `release/*` → `release/[^/]*`; `**` crosses slashes. Everything else is literal. */
export function branchRegex(glob: string): string {
  return glob
    .split('**')
    .map((part) => part.split('*').map(escapeRegex).join('[^/]*'))
    .join('.*');
}

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** One `when` map from clauses: merged at the top level where keys differ (clearer near-miss reports), else `$and`. */
export function mergeClauses(clauses: readonly Clause[]): Clause | undefined {
  const merged: Clause = {};
  const rest: Clause[] = [];
  for (const clause of clauses) {
    const keys = Object.keys(clause);
    if (keys.some((k) => k in merged || k.startsWith('$'))) rest.push(clause);
    else Object.assign(merged, clause);
  }
  if (rest.length > 0) merged.$and = rest;
  return Object.keys(merged).length > 0 ? merged : undefined;
}
