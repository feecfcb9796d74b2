/**
 * A guard for regexes from untrusted input (rules pasted into the backtest): a quantified group
 * that itself contains an unbounded quantifier, such as `(a+)+` or `(\w*x?)*`, can backtrack
 * exponentially and stall the hub's single thread. Rules files are trusted config and not checked.
 * https://owasp.org/www-community/attacks/Regular_expression_Denial_of_Service_-_ReDoS
 */
export function hasNestedQuantifier(pattern: string): boolean {
  const stack: boolean[] = [false];
  let closed: boolean | undefined;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    const unbounded = c === '*' || c === '+' || (c === '{' && /^\{\d*,\}/.test(pattern.slice(i)));
    if (unbounded) {
      if (closed) return true;
      stack[stack.length - 1] = true;
    }
    const wasClose = c === ')';
    if (c === '\\') i += 1;
    else if (c === '[') i = endOfClass(pattern, i);
    else if (c === '(') stack.push(false);
    else if (c === ')' && stack.length > 1) {
      const inner = stack.pop() ?? false;
      closed = inner;
      if (inner) stack[stack.length - 1] = true;
    }
    if (!wasClose && !unbounded && c !== '?') closed = undefined;
  }
  return false;
}

function endOfClass(pattern: string, start: number): number {
  for (let i = start + 1; i < pattern.length; i++) {
    if (pattern[i] === '\\') i += 1;
    else if (pattern[i] === ']') return i;
  }
  return pattern.length;
}

/** Every `$regex` operand in a `when:` filter that fails the guard. */
export function unsafeRegexes(filter: unknown, depth = 0): string[] {
  if (depth > 32 || filter === null || typeof filter !== 'object') return [];
  if (Array.isArray(filter)) return filter.flatMap((item) => unsafeRegexes(item, depth + 1));
  const out: string[] = [];
  for (const [key, value] of Object.entries(filter as Record<string, unknown>)) {
    const source = value instanceof RegExp ? value.source : value;
    if (key === '$regex' && typeof source === 'string' && hasNestedQuantifier(source)) out.push(source);
    else out.push(...unsafeRegexes(value, depth + 1));
  }
  return out;
}
