import { escapeXml } from './chart-svg.ts';

/** One stacked layer: `key` into each column's values. */
export interface ChartSeries {
  key: string;
  label: string;
  /** `#rgb` or `#rrggbb`; anything else falls back to grey. */
  color: string;
}

export interface ChartColumn {
  /** Axis label (short: `12:05`, `14h`). */
  label: string;
  /** Tooltip heading (the full time). */
  title: string;
  values: Readonly<Record<string, number>>;
}

export interface StackedChartOptions {
  /** Accessible name: the SVG's <title>. */
  title: string;
  /** What the chart shows, in words: the SVG's <desc>. */
  desc: string;
  /** Prefix for the <title>/<desc> ids, unique within the page. */
  id: string;
  width?: number;
  height?: number;
  /** Appended to the axis maximum and tooltips (` ms`, `%`). */
  unit?: string;
}

const safeColor = (color: string) => (/^#[0-9a-f]{3}([0-9a-f]{3})?$/i.test(color) ? color : '#888');
const safeId = (id: string) => id.replace(/[^a-zA-Z0-9_-]/g, '-');

/**
 * Stacked bars as standalone SVG 1.1, like the report's bar chart: no script, no style element, no external
 * reference, so it sits inline under a strict CSP. Labelled by its <title> and <desc>; every segment has a tooltip.
 */
export function stackedBarChartSvg(columns: readonly ChartColumn[], series: readonly ChartSeries[], options: StackedChartOptions): string {
  const width = options.width ?? 720;
  const height = options.height ?? 200;
  const [top, bottom, left, right] = [26, 22, 40, 8];
  const plot = height - top - bottom;
  const unit = options.unit ?? '';
  const total = (c: ChartColumn) => series.reduce((sum, s) => sum + (c.values[s.key] ?? 0), 0);
  const max = Math.max(1, ...columns.map(total));
  const slot = columns.length === 0 ? width : (width - left - right) / columns.length;
  const bar = Math.max(1, Math.min(40, slot * 0.8));
  const every = Math.max(1, Math.ceil(40 / slot));
  const id = safeId(options.id);
  const bars = columns.map((column, i) => {
    const x = (left + slot * i + (slot - bar) / 2).toFixed(1);
    let base = top + plot;
    const segments = series.map((s) => {
      const value = column.values[s.key] ?? 0;
      const h = (value / max) * plot;
      base -= h;
      if (value <= 0) return '';
      return `<rect x="${x}" y="${base.toFixed(1)}" width="${bar.toFixed(1)}" height="${h.toFixed(1)}" fill="${safeColor(s.color)}"><title>${escapeXml(`${column.title} · ${s.label}: ${value}${unit}`)}</title></rect>`;
    });
    const label =
      i % every === 0
        ? `<text x="${(left + slot * i + slot / 2).toFixed(1)}" y="${height - 6}" text-anchor="middle" font-size="10" fill="#555">${escapeXml(column.label)}</text>`
        : '';
    return segments.join('') + label;
  });
  const legend = series.map((s, i) => {
    const x = left + i * 130;
    return `<rect x="${x}" y="6" width="10" height="10" fill="${safeColor(s.color)}"/><text x="${x + 14}" y="15" font-size="11" fill="#333">${escapeXml(s.label)}</text>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-title ${id}-desc">`,
    `<title id="${id}-title">${escapeXml(options.title)}</title>`,
    `<desc id="${id}-desc">${escapeXml(options.desc)}</desc>`,
    `<line x1="${left}" y1="${top + plot + 0.5}" x2="${width - right}" y2="${top + plot + 0.5}" stroke="#ccc" stroke-width="1"/>`,
    `<text x="${left - 4}" y="${top + 4}" text-anchor="end" font-size="10" fill="#555">${escapeXml(`${formatMax(max)}${unit}`)}</text>`,
    `<text x="${left - 4}" y="${top + plot}" text-anchor="end" font-size="10" fill="#555">0</text>`,
    ...legend,
    ...bars,
    '</svg>',
  ].join('\n');
}

function formatMax(max: number): string {
  return Number.isInteger(max) ? String(max) : max.toFixed(1);
}
