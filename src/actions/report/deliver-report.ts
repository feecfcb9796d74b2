import type { ActionContext } from '../action.ts';
import { notifyAction } from '../notify/index.ts';
import type { RenderedReport } from './render-report.ts';

/** Posts a report to a hookhub channel (its chat text when the template has one); `note` says where it went, for the attempt record. */
export async function deliverReport(
  channel: string,
  title: string | undefined,
  report: Pick<RenderedReport, 'chat' | 'markdown'>,
  ctx: ActionContext,
): Promise<{ status?: number; note: string }> {
  const sent = await notifyAction.execute({ channel, title, text: report.chat ?? report.markdown }, ctx);
  const status = sent.status === undefined ? {} : { status: sent.status };
  return { ...status, note: `delivered to ${channel}${sent.status === undefined ? '' : ` (${sent.status})`}` };
}
