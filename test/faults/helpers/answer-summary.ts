/** The hub's answers to a webhook load around a fault injected at `at`: how many, which, and when the 503s came. */
import type { Answer } from './webhook-load.ts';

export function summarizeAnswers(answers: readonly Answer[], at: number) {
  const refused = answers.filter((a) => a.outcome === 503);
  const latencies = answers.map((a) => a.endedAt - a.startedAt);
  // No answer in time (the load's request timeout) or a dropped connection.
  const failed = answers.filter((a) => a.outcome !== 202 && a.outcome !== 503);
  return {
    sent: answers.length,
    accepted: answers.filter((a) => a.outcome === 202).length,
    refused503: refused.length,
    first503AfterFaultMs: refused.length ? Math.min(...refused.map((a) => a.endedAt)) - at : null,
    last503AfterFaultMs: refused.length ? Math.max(...refused.map((a) => a.endedAt)) - at : null,
    refusedSpellsAfterFaultMs: spells(refused, at),
    failed: failed.length,
    failedStartedAfterFaultMs: failed.length
      ? [Math.min(...failed.map((a) => a.startedAt)) - at, Math.max(...failed.map((a) => a.startedAt)) - at]
      : null,
    slowestAnswerMs: Math.max(...latencies),
    over1s: latencies.filter((ms) => ms > 1_000).length,
  };
}

/** Spells of 503s (answered less than SPELL_GAP_MS apart), as [first, last] answer times after the fault. */
const SPELL_GAP_MS = 2_000;
function spells(refused: readonly Answer[], at: number): Array<[number, number]> {
  const ends = refused.map((a) => a.endedAt - at).sort((x, y) => x - y);
  const out: Array<[number, number]> = [];
  for (const t of ends) {
    const last = out.at(-1);
    if (last !== undefined && t - last[1] < SPELL_GAP_MS) last[1] = t;
    else out.push([t, t]);
  }
  return out;
}
