// The digitisation charts as inline SVG (no chart library): per Comune a bar of practices digitised beside the
// backlog, and the pages digitised per day over the window as a line. Each chart has a text alternative; the table on
// the page carries the same numbers.
import { formatNumber } from '../../format.ts';
import { italianDay } from '../../paper-labels.ts';
import type { Progress, ProgressRow } from '../../types.ts';

const W = 720;
const ROW = 34;
const LABEL_W = 170;
const COUNT_W = 150;

export function BacklogBars({ rows }: { rows: ProgressRow[] }) {
  const max = Math.max(1, ...rows.map((r) => r.digitised + r.backlog));
  const barW = W - LABEL_W - COUNT_W;
  const height = rows.length * ROW + 34;
  const summary = rows
    .map((r) => `${r.comuneName}: ${formatNumber(r.digitised)} digitalizzate, ${formatNumber(r.backlog)} da fare`)
    .join('; ');
  return (
    <figure class="chart">
      <svg
        viewBox={`0 0 ${W} ${height}`}
        role="img"
        aria-labelledby="bars-title"
        aria-describedby="bars-desc"
        preserveAspectRatio="xMinYMin meet"
      >
        <title id="bars-title">Pratiche digitalizzate e arretrato per Comune</title>
        <desc id="bars-desc">{summary}</desc>
        {rows.map((r, i) => {
          const y = i * ROW + 6;
          const done = (r.digitised / max) * barW;
          const todo = (r.backlog / max) * barW;
          return (
            <g key={r.comune}>
              <text x={LABEL_W - 8} y={y + 16} text-anchor="end" class="chart-label">
                {r.comuneName}
              </text>
              <rect x={LABEL_W} y={y} width={Math.max(done, 0)} height={22} class="bar-done" />
              <rect x={LABEL_W + done} y={y} width={Math.max(todo, 0)} height={22} class="bar-todo" />
              <text x={LABEL_W + done + todo + 6} y={y + 16} class="chart-value">
                {formatNumber(r.digitised)} / {formatNumber(r.digitised + r.backlog)}
              </text>
            </g>
          );
        })}
        <g transform={`translate(${LABEL_W}, ${rows.length * ROW + 12})`} aria-hidden="true">
          <rect width={12} height={12} class="bar-done" />
          <text x={18} y={11} class="chart-legend">
            digitalizzate
          </text>
          <rect x={130} width={12} height={12} class="bar-todo" />
          <text x={148} y={11} class="chart-legend">
            arretrato
          </text>
        </g>
      </svg>
    </figure>
  );
}

const LW = 720;
const LH = 220;
const PAD = { left: 48, right: 16, top: 14, bottom: 34 };

export function PagesPerDayLine({ daily }: { daily: Progress['daily'] }) {
  const days = [...daily].sort((a, b) => a.day.localeCompare(b.day));
  if (days.length === 0) return <p class="hint">Nessuna pagina digitalizzata nel periodo.</p>;
  const max = Math.max(1, ...days.map((d) => d.pages));
  const innerW = LW - PAD.left - PAD.right;
  const innerH = LH - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (days.length === 1 ? innerW / 2 : (i / (days.length - 1)) * innerW);
  const y = (v: number) => PAD.top + innerH - (v / max) * innerH;
  const points = days.map((d, i) => `${x(i).toFixed(1)},${y(d.pages).toFixed(1)}`).join(' ');
  const total = days.reduce((n, d) => n + d.pages, 0);
  const first = days[0]!;
  const last = days[days.length - 1]!;
  const desc =
    `Dal ${italianDay(first.day)} al ${italianDay(last.day)}: ${formatNumber(total)} pagine in ${days.length} ` +
    `giorni, al massimo ${formatNumber(max)} in un giorno.`;
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${LW} ${LH}`} role="img" aria-labelledby="line-title" aria-describedby="line-desc">
        <title id="line-title">Pagine digitalizzate al giorno</title>
        <desc id="line-desc">{desc}</desc>
        <g aria-hidden="true">
          <line x1={PAD.left} y1={PAD.top + innerH} x2={LW - PAD.right} y2={PAD.top + innerH} class="axis" />
          <line x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={PAD.top + innerH} class="axis" />
          <line x1={PAD.left} y1={PAD.top} x2={LW - PAD.right} y2={PAD.top} class="grid" />
          <text x={PAD.left - 6} y={PAD.top + 4} text-anchor="end" class="chart-legend">
            {formatNumber(max)}
          </text>
          <text x={PAD.left - 6} y={PAD.top + innerH + 4} text-anchor="end" class="chart-legend">
            0
          </text>
          <text x={PAD.left} y={LH - 10} class="chart-legend">
            {italianDay(first.day)}
          </text>
          <text x={LW - PAD.right} y={LH - 10} text-anchor="end" class="chart-legend">
            {italianDay(last.day)}
          </text>
          <polyline points={points} class="line" />
          {days.map((d, i) => (
            <circle key={d.day} cx={x(i)} cy={y(d.pages)} r={3} class="dot">
              <title>
                {italianDay(d.day)}: {formatNumber(d.pages)} pagine
              </title>
            </circle>
          ))}
        </g>
      </svg>
    </figure>
  );
}
