/**
 * Row 2: rule matching, via bench/rule-matching.ts (owned by the rules engine). This file only
 * turns its measurements into table rows.
 */
import type { Row } from './table.ts';

export async function benchRules(): Promise<Row[]> {
  let mod: Record<string, unknown>;
  try {
    const file: string = './rule-matching.ts';
    mod = (await import(file)) as Record<string, unknown>;
  } catch (err) {
    return [unavailable(`bench/rule-matching.ts could not be loaded: ${(err as Error).message.split('\n')[0]}`)];
  }
  return [unavailable(`unknown exports: ${Object.keys(mod).join(', ')}`)];
}

function unavailable(reason: string): Row {
  return { benchmark: '2 rule matching', hookhub: 'not measured', reference: reason, ratio: 'n/a', verdict: 'n/a' };
}
