import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RenderedReport } from './render-report.ts';

/** `2026-11-30T09-00-00Z`: the window end, safe in file names on every OS. */
export function reportStem(until: Date): string {
  return until
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/:/g, '-');
}

/**
 * Writes `<folder>/<rule>/<until>.md` and `.html` (and the chart as `.svg`). Each file is written
 * to a temporary name and renamed, so a reader never sees half a report and a retry overwrites
 * the same files instead of adding new ones.
 */
export async function writeReport(folder: string, rule: string, until: Date, report: RenderedReport, chartSvg: string): Promise<string[]> {
  const dir = join(folder, rule);
  await mkdir(dir, { recursive: true });
  const stem = join(dir, reportStem(until));
  const files: [string, string][] = [
    [`${stem}.md`, report.markdown],
    [`${stem}.html`, report.html],
    [`${stem}.svg`, `<?xml version="1.0" encoding="UTF-8"?>\n${chartSvg}\n`],
  ];
  for (const [path, text] of files) {
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, text, 'utf8');
    await rename(tmp, path);
  }
  return files.map(([path]) => path);
}
