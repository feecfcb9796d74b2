import type { NotifyParams } from '../notify-params.ts';
import { truncate } from '../../../shared/truncate.ts';

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

/** Subject = title, or the first line of the text; plain-text and escaped HTML bodies. */
export function formatEmail(params: NotifyParams): EmailContent {
  const firstLine = params.text.split(/\r?\n/, 1)[0] ?? '';
  // Header injection: a subject is one line whatever the template rendered.
  const subject = truncate((params.title ?? firstLine).replace(/[\r\n]+/g, ' ').trim() || '(no subject)', 200);
  const fields = params.fields ?? [];
  const lines = [params.text, '', ...fields.map((f) => `${f.title}: ${f.value}`), ...(params.url ? ['', params.url] : [])];
  const htmlFields = fields.length
    ? `<table>${fields.map((f) => `<tr><th align="left">${escapeHtml(f.title)}</th><td>${escapeHtml(f.value)}</td></tr>`).join('')}</table>`
    : '';
  const htmlLink = params.url ? `<p><a href="${escapeHtml(params.url)}">${escapeHtml(params.url)}</a></p>` : '';
  const html = `${params.title ? `<h2>${escapeHtml(params.title)}</h2>` : ''}<p style="white-space:pre-wrap">${escapeHtml(params.text)}</p>${htmlFields}${htmlLink}`;
  return { subject, text: lines.join('\n').trimEnd() + '\n', html };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
