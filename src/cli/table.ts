// Tables for the terminal (aligned plain text) and for reports (GitHub markdown): used by scripts and benches.

export type Cell = string | number;
export type Align = 'left' | 'right';

const text = (c: Cell) => String(c);
const isNumeric = (c: Cell) => typeof c === 'number' || /^[-+]?[\d.,]+\s*(%|×|MB|s|ms)?$/.test(c);

function alignments(headers: string[], rows: Cell[][], align?: Align[]): Align[] {
  return headers.map((_, i) => align?.[i] ?? (i > 0 && rows.every((r) => r[i] === undefined || r[i] === '' || isNumeric(r[i]!)) ? 'right' : 'left'));
}

/** Plain text table with a rule under the header, columns padded to their widest cell. */
export function textTable(headers: string[], rows: Cell[][], align?: Align[]): string {
  const al = alignments(headers, rows, align);
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => text(r[i] ?? '').length)));
  const line = (cells: Cell[]) =>
    cells
      .map((c, i) => (al[i] === 'right' ? text(c ?? '').padStart(widths[i]!) : text(c ?? '').padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** GitHub-flavoured markdown table. */
export function markdownTable(headers: string[], rows: Cell[][], align?: Align[]): string {
  const al = alignments(headers, rows, align);
  const esc = (c: Cell) => text(c ?? '').replaceAll('|', '\\|');
  return [
    `| ${headers.map(esc).join(' | ')} |`,
    `|${al.map((a) => (a === 'right' ? '---:' : ':---')).join('|')}|`,
    ...rows.map((r) => `| ${headers.map((_, i) => esc(r[i] ?? '')).join(' | ')} |`),
  ].join('\n');
}

/** Number with a fixed count of decimals, or '—' when not finite. */
export function fmt(n: number | undefined, decimals = 1): string {
  return n === undefined || !Number.isFinite(n) ? '—' : n.toFixed(decimals);
}

export const MB = (bytes: number | undefined) => (bytes === undefined ? undefined : bytes / (1024 * 1024));
