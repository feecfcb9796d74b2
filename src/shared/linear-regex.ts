import { RE2JS } from 're2js';

/**
 * Every user-supplied pattern (rule `$regex`, the backtest, chat subscription filters) runs on RE2JS: a
 * pure-JavaScript port of RE2, whose matching time is linear in the input whatever the pattern, so a
 * pattern like `^(a|a)*$` cannot stall the event loop. It needs no native build (unlike `re2`), and it
 * refuses what RE2 refuses: backreferences and lookarounds.
 */
export const MAX_PATTERN_LENGTH = 1_000;

const FLAGS: Record<string, number> = { i: RE2JS.CASE_INSENSITIVE, m: RE2JS.MULTILINE, s: RE2JS.DOTALL, u: 0 };

/** A compiled pattern's test, or throws a message fit for a diagnostic. */
export function compileLinearRegex(pattern: string, options?: string): (text: string) => boolean {
  if (pattern.length > MAX_PATTERN_LENGTH)
    throw new Error(`$regex is ${pattern.length} characters; patterns are limited to ${MAX_PATTERN_LENGTH}`);
  let flags = 0;
  for (const flag of options ?? '') {
    const bit = FLAGS[flag];
    if (bit === undefined) throw new Error(`$options accepts the flags i, m, s and u, not "${flag}"`);
    flags |= bit;
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern, flags);
  } catch (error) {
    const reason = (error as Error).message.replace(/^error parsing regexp: /, '');
    const hint = /Perl syntax|escape sequence/.test(reason)
      ? ' (patterns run on a linear-time engine, RE2: backreferences and lookarounds are not supported)'
      : '';
    throw new Error(`invalid regular expression: ${reason}${hint}`, { cause: error });
  }
  return (text) => re.test(text);
}
