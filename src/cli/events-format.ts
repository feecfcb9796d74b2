import type { EventDetail } from '../operations/event-detail.ts';
import type { AttemptView } from '../operations/event-status.ts';
import type { EventPage } from '../operations/list-events.ts';
import type { ReplayResult } from '../operations/replay-event.ts';
import { formatTable } from './text-table.ts';

export function formatPage(page: EventPage): string {
  const rows = page.events.map((e) => [e.received, e.type, e.connector, e.subject ?? '', e.status, e.id]);
  const table = rows.length > 0 ? formatTable(['RECEIVED', 'TYPE', 'CONNECTOR', 'SUBJECT', 'STATUS', 'ID'], rows) : 'no events match\n';
  const searched = page.searchLimited
    ? ` (the search stopped at its limit, back to ${page.searchedTo ?? 'the start'}: older events were not searched)`
    : page.events.length === 0
      ? ` (searched back to ${page.searchedTo ?? 'the start'})`
      : '';
  return `${table}${page.next ? `older: --cursor ${page.next}${searched}\n` : ''}`;
}

export function formatDetail(d: EventDetail): string {
  const s = d.summary;
  const lines = [`${s.type}  ${s.status}`, `  id        ${s.id}`, `  connector ${s.connector}`, `  received  ${s.received}`];
  if (s.subject) lines.push(`  subject   ${s.subject}`);
  if (s.url) lines.push(`  url       ${s.url}`);
  lines.push('', 'rules:');
  for (const r of d.rules)
    lines.push(
      `  ${r.rule ?? '(none)'}: ${r.outcome}${r.reason ? ` (${r.reason})` : ''}${r.replay ? ` [replay${r.by ? ` by ${r.by}` : ''}]` : ''}`,
    );
  lines.push('', 'deliveries:');
  for (const job of d.jobs) {
    lines.push(`  ${job.id}  ${job.state}${job.deadReason ? `: ${job.deadReason}` : ''}`);
    for (const a of job.attempts) lines.push(...formatAttempt(a));
    for (const r of job.replayedBy) lines.push(`    replayed ${r.time}${r.by ? ` by ${r.by}` : ''}`);
  }
  if (d.jobs.length === 0) lines.push('  none');
  lines.push('', 'payload:', JSON.stringify(d.event.data, null, 2));
  return `${lines.join('\n')}\n`;
}

/** An attempt's line, then what it got back (a `log` channel's rendered message, a response body), indented. */
function formatAttempt(a: AttemptView): string[] {
  const line = `    #${a.attempt} ${a.time} ${a.outcome}${a.status ? ` HTTP ${a.status}` : ''}${a.label ? ` ${a.label}` : ''}${a.latencyMs !== undefined ? ` ${a.latencyMs} ms` : ''}${a.error ? ` ${a.error}` : ''}`;
  if (!a.response) return [line];
  return [line, ...a.response.split('\n').map((l) => `      |${l ? ` ${l}` : ''}`)];
}

export function formatReplay(result: ReplayResult): string {
  const lines = result.jobs.map((j) => `${j.decision.padEnd(20)} ${j.id}`);
  if (result.jobs.length === 0 && result.errors.length === 0) lines.push('no rule matches this event now');
  lines.push(
    result.dryRun
      ? 'dry run: nothing was sent'
      : `${result.jobs.filter((j) => !j.decision.startsWith('skipped')).length} job(s) queued for delivery`,
  );
  return `${lines.join('\n')}\n`;
}

/** Why a replay fails (exit 1) after printing the jobs it did queue: the actions it could not render. */
export function notRendered(result: ReplayResult): string {
  const which = result.errors.map((e) => `${e.rule} ${e.action} #${e.index}: ${e.error}`).join('; ');
  const nothing = result.dryRun ? 'a replay would queue nothing for them' : 'nothing was queued for them';
  return `${result.errors.length} action(s) could not be rendered, so ${nothing}: ${which}; fix the rule (hookhub rules test --event) and replay again`;
}
