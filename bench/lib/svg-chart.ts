// A dependency-free SVG line chart: one or more panels stacked vertically sharing the x axis label, each with its own
// y axis and several named series. Enough for "metric over time, per phase" plots in bench reports.

export interface Series {
  name: string;
  color: string;
  points: [x: number, y: number][];
  dashed?: boolean;
}

export interface Panel {
  title: string;
  yLabel: string;
  series: Series[];
  /** Lower bound of the y axis (default 0). */
  yMin?: number;
}

export interface ChartOptions {
  title: string;
  subtitle?: string;
  xLabel: string;
  panels: Panel[];
  width?: number;
  panelHeight?: number;
}

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];

const esc = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
const num = (n: number) => (Math.round(n * 100) / 100).toString();

/** About `count` round tick values covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) max = min + 1;
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const ticks: number[] = [];
  for (let v = Math.floor(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Math.round(v * 1e9) / 1e9);
  if (ticks[ticks.length - 1]! < max) ticks.push(ticks[ticks.length - 1]! + step);
  return ticks;
}

const tickLabel = (v: number) => (Math.abs(v) >= 10_000 ? `${num(v / 1000)}k` : num(v));

export function lineChartSvg(opts: ChartOptions): string {
  const width = opts.width ?? 960;
  const panelHeight = opts.panelHeight ?? 260;
  const margin = { left: 72, right: 180, top: opts.subtitle ? 64 : 44, bottom: 48, gap: 56 };
  const plotW = width - margin.left - margin.right;
  const height = margin.top + opts.panels.length * panelHeight + (opts.panels.length - 1) * margin.gap + margin.bottom;

  const allX = opts.panels.flatMap((p) => p.series.flatMap((s) => s.points.map((pt) => pt[0])));
  const xTicks = niceTicks(0, Math.max(1, ...allX), 8);
  const xMax = xTicks[xTicks.length - 1]!;
  const sx = (x: number) => margin.left + (x / xMax) * plotW;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${margin.left}" y="24" font-size="16" font-weight="bold">${esc(opts.title)}</text>`,
  );
  if (opts.subtitle) out.push(`<text x="${margin.left}" y="44" fill="#555">${esc(opts.subtitle)}</text>`);

  opts.panels.forEach((panel, pi) => {
    const top = margin.top + pi * (panelHeight + margin.gap);
    const plotH = panelHeight - 24;
    const y0 = top + 24;
    const ys = panel.series.flatMap((s) => s.points.map((p) => p[1])).filter(Number.isFinite);
    const yTicks = niceTicks(panel.yMin ?? 0, Math.max((panel.yMin ?? 0) + 1, ...ys), 5);
    const yMin = yTicks[0]!;
    const yMax = yTicks[yTicks.length - 1]!;
    const sy = (y: number) => y0 + plotH - ((y - yMin) / (yMax - yMin)) * plotH;

    out.push(`<text x="${margin.left}" y="${top + 14}" font-size="13" font-weight="bold">${esc(panel.title)}</text>`);
    for (const t of yTicks) {
      out.push(
        `<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${num(sy(t))}" y2="${num(sy(t))}" stroke="#e5e5e5"/>`,
        `<text x="${margin.left - 6}" y="${num(sy(t) + 4)}" text-anchor="end" fill="#444">${tickLabel(t)}</text>`,
      );
    }
    for (const t of xTicks) {
      out.push(
        `<line x1="${num(sx(t))}" x2="${num(sx(t))}" y1="${y0}" y2="${y0 + plotH}" stroke="#f0f0f0"/>`,
        `<text x="${num(sx(t))}" y="${y0 + plotH + 16}" text-anchor="middle" fill="#444">${tickLabel(t)}</text>`,
      );
    }
    out.push(
      `<rect x="${margin.left}" y="${y0}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
      `<text transform="translate(${margin.left - 52} ${y0 + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#333">${esc(panel.yLabel)}</text>`,
    );
    panel.series.forEach((s, si) => {
      const pts = s.points.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]));
      if (pts.length) {
        const d = pts.map((p, i) => `${i ? 'L' : 'M'}${num(sx(p[0]))},${num(sy(p[1]))}`).join(' ');
        out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
      }
      const ly = y0 + 8 + si * 20;
      const lx = margin.left + plotW + 16;
      out.push(
        `<line x1="${lx}" x2="${lx + 24}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
        `<text x="${lx + 30}" y="${ly + 4}">${esc(s.name)}</text>`,
      );
    });
    if (pi === opts.panels.length - 1) {
      out.push(`<text x="${margin.left + plotW / 2}" y="${y0 + plotH + 36}" text-anchor="middle" fill="#333">${esc(opts.xLabel)}</text>`);
    }
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
