import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PermanentError } from '../../../../src/errors.ts';
import { renderReport } from '../../../../src/actions/report/render-report.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hookhub-render-report-'));
  await writeFile(join(dir, 'weekly.md.hbs'), '# {{title}}');
  await writeFile(join(dir, 'weekly.html.hbs'), '<h1>{{title}}</h1>');
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

describe('renderReport: the optional chat variant', () => {
  it('is left out when there is no .chat.hbs file', async () => {
    const report = await renderReport(join(dir, 'weekly'), { title: 'Week' }, '', new Date('2026-01-01T00:00:00Z'));
    expect(report).toEqual({ markdown: '# Week', html: '<h1>Week</h1>' });
  });

  it('fails the report when the .chat.hbs exists but cannot be read, instead of sending the Markdown to chat', async () => {
    // A folder where the file should be: EISDIR, as a permission problem would be EACCES.
    await mkdir(join(dir, 'weekly.chat.hbs'));
    const rendering = renderReport(join(dir, 'weekly'), { title: 'Week' }, '', new Date('2026-01-01T00:00:00Z'));
    await expect(rendering).rejects.toBeInstanceOf(PermanentError);
    await expect(rendering).rejects.toThrow(`report template ${join(dir, 'weekly.chat.hbs')}: EISDIR`);
  });
});
