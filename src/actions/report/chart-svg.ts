import type { Bucket } from './aggregate.ts';

export interface ChartOptions {
  /** Accessible name (aria-label and <title>). */
  title: string;
  width?: number;
  height?: number;
  /** Bar colour. */
  color?: string;
}

/** Escapes text for XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

/**
 * A bar chart per day as standalone SVG 1.1 (no script, no external references), so it can sit
 * inline in HTML or be saved on its own. Each bar has a tooltip and its count above it.
 */
export function barChartSvg(days: readonly Bucket[], options: ChartOptions): string {
  const width = options.width ?? 640;
  const height = options.height ?? 220;
  const color = /^#[0-9a-f]{3,8}$/i.test(options.color ?? '') ? (options.color as string) : '#4f6bed';
  const top = 24;
  const bottom = 28;
  const plot = height - top - bottom;
  const max = Math.max(1, ...days.map((d) => d.count));
  const slot = days.length === 0 ? width : (width - 20) / days.length;
  const bar = Math.max(2, Math.min(48, slot * 0.7));
  const title = escapeXml(options.title);
  // Long windows: label every k-th day and drop the counts so texts never overlap (a label is ~34 px).
  const every = Math.max(1, Math.ceil(34 / slot));
  const parts = days.map((day, i) => {
    const h = Math.round((day.count / max) * plot);
    const cx = 10 + slot * i + slot / 2;
    const x = (cx - bar / 2).toFixed(1);
    const y = top + plot - h;
    const label = escapeXml(day.key.slice(5));
    return [
      `<rect x="${x}" y="${y}" width="${bar.toFixed(1)}" height="${h}" fill="${color}"><title>${escapeXml(day.key)}: ${day.count}</title></rect>`,
      every === 1 ? `<text x="${cx.toFixed(1)}" y="${y - 4}" text-anchor="middle" font-size="11" fill="#333">${day.count}</text>` : '',
      i % every === 0
        ? `<text x="${cx.toFixed(1)}" y="${height - 10}" text-anchor="middle" font-size="11" fill="#555">${label}</text>`
        : '',
    ].join('');
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${title}">`,
    `<title>${title}</title>`,
    `<line x1="10" y1="${top + plot + 0.5}" x2="${width - 10}" y2="${top + plot + 0.5}" stroke="#ccc" stroke-width="1"/>`,
    ...parts,
    '</svg>',
  ].join('\n');
}
