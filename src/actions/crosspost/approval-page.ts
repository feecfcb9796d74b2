import { escapeXml } from '../report/chart-svg.ts';

/** A small self-contained HTML page (no scripts, no external resources). */
export function approvalPage(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/><meta name="robots" content="noindex"/>
<title>${escapeXml(title)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:640px;margin:2em auto;padding:0 1em;color:#1f2328}pre{white-space:pre-wrap;background:#f6f8fa;border:1px solid #d1d9e0;border-radius:6px;padding:1em}button{font-size:1em;padding:.5em 1.4em;margin-right:.6em;border-radius:6px;border:1px solid #d1d9e0;cursor:pointer}.approve{background:#1f883d;color:#fff}</style>
</head><body><h1>${escapeXml(title)}</h1>
${body}
</body></html>
`;
}

/** The confirmation page for a pending post: GET never approves anything (link previewers fetch URLs). */
export function pendingPage(platform: string, text: string, expires: Date): string {
  return approvalPage(
    `Approve a ${platform} post?`,
    `<pre>${escapeXml(text)}</pre>
<p>This link works until ${escapeXml(expires.toISOString())}.</p>
<form method="post"><button class="approve" name="decision" value="approve" type="submit">Approve and post</button><button name="decision" value="reject" type="submit">Reject</button></form>`,
  );
}
