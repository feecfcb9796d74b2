import { didYouMean } from '../shared/closest-match.ts';
import { compileLinearRegex } from '../shared/linear-regex.ts';
import { neverMatches } from './when-never-matches.ts';
import type { Severity } from './diagnostics.ts';
import { describe } from './zod-issues.ts';

/** The MongoDB-style operators a `when:` filter may use (DESIGN §3). Anything else is an error. */
export const WHEN_OPERATORS = [
  '$eq',
  '$ne',
  '$in',
  '$nin',
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$regex',
  '$exists',
  '$all',
  '$elemMatch',
  '$and',
  '$or',
  '$nor',
  '$not',
] as const;

/** Attributes of a HubEvent; a path starting elsewhere can never exist. */
export const EVENT_ATTRIBUTES = [
  'specversion',
  'id',
  'type',
  'source',
  'subject',
  'time',
  'datacontenttype',
  'data',
  'connector',
  'title',
  'url',
  'actor',
];

const KNOWN = new Set<string>([...WHEN_OPERATORS, '$options']);
const LOGICAL = new Set(['$and', '$or', '$nor']);
const COMPARISON = new Set(['$gt', '$gte', '$lt', '$lte']);

export interface WhenProblem {
  /** Path inside `when`. */
  path: (string | number)[];
  part: 'key' | 'value';
  severity: Severity;
  message: string;
}

/** Checks a `when:` filter: operators, their operands, regexes and field paths. Returns every problem. */
export function checkWhen(when: Record<string, unknown>): WhenProblem[] {
  const problems: WhenProblem[] = [];
  checkQuery(when, [], true, problems);
  return problems;
}

function checkQuery(query: Record<string, unknown>, path: (string | number)[], top: boolean, out: WhenProblem[]) {
  for (const [key, value] of Object.entries(query)) {
    const here = [...path, key];
    if (LOGICAL.has(key)) checkLogical(value, here, top, out);
    else if (key.startsWith('$')) out.push(unknownOrMisplaced(key, here));
    else {
      if (top) checkEventPath(key, here, out);
      checkCondition(value, here, out);
    }
  }
}

function checkLogical(value: unknown, here: (string | number)[], top: boolean, out: WhenProblem[]) {
  const key = here[here.length - 1];
  if (!Array.isArray(value) || value.length === 0) {
    out.push(error(here, 'value', `${key} expects a non-empty list of conditions, got ${describe(value)}`));
    return;
  }
  value.forEach((item, i) => {
    if (isPlainObject(item)) checkQuery(item, [...here, i], top, out);
    else out.push(error([...here, i], 'value', `each ${key} entry must be a map, got ${describe(item)}`));
  });
}

function checkCondition(value: unknown, here: (string | number)[], out: WhenProblem[]) {
  if (!isPlainObject(value)) return;
  const keys = Object.keys(value);
  const ops = keys.filter((k) => k.startsWith('$'));
  if (ops.length === 0) {
    if (containsOperator(value)) {
      out.push(
        warning(
          here,
          'key',
          'a map of fields compares the whole value literally, so nested $operators inside it are not applied; use a dotted path instead (e.g. data.amount: { $gt: 5 })',
        ),
      );
    }
    return;
  }
  if (ops.length !== keys.length) {
    out.push(
      error(
        here,
        'value',
        `mixes operators with field names (${keys.filter((k) => !k.startsWith('$')).join(', ')}); use a dotted path for the fields`,
      ),
    );
    return;
  }
  for (const op of ops) checkOperator(op, value[op], value, [...here, op], out);
}

function checkOperator(op: string, operand: unknown, owner: Record<string, unknown>, here: (string | number)[], out: WhenProblem[]) {
  const never = neverMatches(op, operand, owner);
  if (never) out.push(warning(here, 'value', never));
  if (!KNOWN.has(op) || LOGICAL.has(op)) out.push(unknownOrMisplaced(op, here));
  else if (COMPARISON.has(op) && !['number', 'string'].includes(typeof operand)) {
    out.push(error(here, 'value', `${op} compares with a number or a string (ISO dates compare as strings), got ${describe(operand)}`));
  } else if ((op === '$in' || op === '$nin' || op === '$all') && !Array.isArray(operand)) {
    out.push(error(here, 'value', `${op} expects a list, got ${describe(operand)}`));
  } else if (op === '$exists' && typeof operand !== 'boolean') {
    out.push(error(here, 'value', `$exists expects true or false, got ${describe(operand)}`));
  } else if (op === '$regex') checkRegex(operand, owner.$options, here, out);
  else if (op === '$options' && !('$regex' in owner)) out.push(error(here, 'key', '$options only goes next to $regex'));
  else if (op === '$elemMatch') checkElemMatch(operand, here, out);
  else if (op === '$not') checkNot(operand, here, out);
}

function checkRegex(pattern: unknown, options: unknown, here: (string | number)[], out: WhenProblem[]) {
  if (typeof pattern !== 'string') {
    out.push(error(here, 'value', `$regex expects a string, got ${describe(pattern)}`));
    return;
  }
  if (options !== undefined && (typeof options !== 'string' || !/^[imsu]*$/.test(options))) {
    out.push(error([...here.slice(0, -1), '$options'], 'value', '$options accepts the flags i, m, s and u'));
    return;
  }
  try {
    compileLinearRegex(pattern, typeof options === 'string' ? options : undefined);
  } catch (e) {
    out.push(error(here, 'value', (e as Error).message));
  }
}

function checkElemMatch(operand: unknown, here: (string | number)[], out: WhenProblem[]) {
  if (!isPlainObject(operand)) out.push(error(here, 'value', `$elemMatch expects a map, got ${describe(operand)}`));
  else if (Object.keys(operand).some((k) => k.startsWith('$') && !LOGICAL.has(k))) checkCondition(operand, here, out);
  else checkQuery(operand, here, false, out);
}

function checkNot(operand: unknown, here: (string | number)[], out: WhenProblem[]) {
  if (isPlainObject(operand) && Object.keys(operand).length > 0 && Object.keys(operand).every((k) => k.startsWith('$'))) {
    checkCondition(operand, here, out);
  } else {
    out.push(error(here, 'value', `$not expects an operator map such as { $regex: "^wip" } or { $in: [a, b] }, got ${describe(operand)}`));
  }
}

function checkEventPath(path: string, here: (string | number)[], out: WhenProblem[]) {
  const first = path.split('.')[0] ?? '';
  if (EVENT_ATTRIBUTES.includes(first)) return;
  const hint = didYouMean(first, EVENT_ATTRIBUTES);
  out.push(
    warning(
      here,
      'key',
      `"${path}" is not a field of the event, so this clause can never see a value${hint || `; the payload is under data (data.${path})`}`,
    ),
  );
}

function unknownOrMisplaced(op: string, here: (string | number)[]): WhenProblem {
  if (LOGICAL.has(op)) {
    return error(here, 'key', `${op} combines whole conditions: write it at the top of when (${op}: [{ data.a: 1 }, { data.b: 2 }])`);
  }
  if (KNOWN.has(op)) return error(here, 'key', `${op} applies to a field (e.g. data.amount: { ${op}: … }), not to the whole event`);
  return error(here, 'key', `unknown operator ${op}${didYouMean(op, KNOWN)}; supported: ${WHEN_OPERATORS.join(' ')}`);
}

function containsOperator(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(containsOperator);
  if (!isPlainObject(value)) return false;
  return Object.entries(value).some(([k, v]) => k.startsWith('$') || containsOperator(v));
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function error(path: (string | number)[], part: 'key' | 'value', message: string): WhenProblem {
  return { path, part, severity: 'error', message };
}

function warning(path: (string | number)[], part: 'key' | 'value', message: string): WhenProblem {
  return { path, part, severity: 'warning', message };
}
