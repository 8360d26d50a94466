import { describe, expect, it } from 'vitest';
import {
  BoxSplitPlanner,
  describeSplitPart,
  formatPageRanges,
  planBoxSplit,
  type BoxSplitSummary,
  type PageDescriptor,
  type SplitPart,
} from '../../src/scan/box-split.ts';
import type { SeparatorPayload } from '../../src/scan/separator.payload.ts';
import {
  A,
  ACCEPTANCE_BOX,
  B,
  C,
  descriptors,
  EXPECTED_SPLIT,
  GRAFICI,
  RELAZIONE,
  simplify,
} from './acceptance-box.ts';

const practiceOf = (s: SeparatorPayload) =>
  s.kind === 'practice' ? { comune: s.comune, pratica: s.pratica, proc: s.proc, box: s.box } : undefined;

async function collect(
  pages: Iterable<PageDescriptor> | AsyncIterable<PageDescriptor>,
  opts: Parameters<typeof planBoxSplit>[1] = {},
): Promise<{ parts: SplitPart[]; summary: BoxSplitSummary }> {
  const parts: SplitPart[] = [];
  let summary: BoxSplitSummary | undefined;
  for await (const p of planBoxSplit(pages, { ...opts, onSummary: (s) => (summary = s) })) parts.push(p);
  return { parts, summary: summary! };
}

describe('box split plan', () => {
  it('3 practice separators, 2 document-type separators and 2 blank pages (split) give the right documents and pages', async () => {
    const { parts, summary } = await collect(descriptors(ACCEPTANCE_BOX), { blankPages: 'split' });
    expect(simplify(parts)).toEqual(EXPECTED_SPLIT);
    expect(parts.map((p) => p.index)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(parts[0]!.practice).toEqual(practiceOf(A));
    expect(parts.every((p) => p.warnings.length === 0)).toBe(true);
    expect(summary).toEqual({
      pages: 16,
      parts: 6,
      separatorPages: [1, 4, 7, 12, 13],
      blankPages: [9, 15],
      trailingPages: [],
      warnings: [],
    });
    // Every page of the scan is accounted for exactly once.
    const all = parts.flatMap((p) => [...p.pages, ...p.separatorPages, ...p.blankPages]).sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
  });

  it("blank pages 'drop' leaves them out without splitting; 'keep' (default) keeps them as content", async () => {
    const dropped = simplify((await collect(descriptors(ACCEPTANCE_BOX), { blankPages: 'drop' })).parts);
    expect(dropped.map((p) => [p.practice, p.pages, p.blankPages])).toEqual([
      ['PE 123/1987', [2, 3], []],
      ['PE 123/1987', [5, 6], []],
      ['CE 45/1991', [8, 10, 11], [9]],
      ['PDC 7/2021', [14, 16], [15]],
    ]);
    const kept = simplify((await collect(descriptors(ACCEPTANCE_BOX))).parts);
    expect(kept.map((p) => p.pages)).toEqual([
      [2, 3],
      [5, 6],
      [8, 9, 10, 11],
      [14, 15, 16],
    ]);
  });

  it('a generic separator starts a new document of the same practice with the type left to the classifier', async () => {
    const box: typeof ACCEPTANCE_BOX = [A, GRAFICI, 'content', { kind: 'generic' }, 'content', 'content'];
    const { parts } = await collect(descriptors(box));
    expect(simplify(parts)).toEqual([
      {
        practice: 'PE 123/1987',
        documentType: 'elaborato_grafico',
        pages: [3],
        separatorPages: [1, 2],
        blankPages: [],
        openedBy: 'document-type',
      },
      {
        practice: 'PE 123/1987',
        documentType: undefined,
        pages: [5, 6],
        separatorPages: [4],
        blankPages: [],
        openedBy: 'generic',
      },
    ]);
  });

  it('pages before the first practice separator, mismatched and dangling separators are flagged for review', async () => {
    const box: typeof ACCEPTANCE_BOX = [
      'content', // 1: no practice yet
      A,
      { kind: 'document-type', tipo: 'parere', pratica: 'PE 999/2000' }, // printed for another practice
      'content',
      B, // 5: no pages before the next practice
      C,
      'content',
      RELAZIONE, // 8: trailing
    ];
    const pages: PageDescriptor[] = [
      ...descriptors(box),
      { page: 9, kind: 'invalid-separator', reason: 'separator version 9 is not supported' },
    ];
    const { parts, summary } = await collect(pages);
    expect(parts.map((p) => [p.practice?.pratica, p.pages])).toEqual([
      [undefined, [1]],
      ['PE 123/1987', [4]],
      ['PDC 7/2021', [7]],
    ]);
    expect(parts[0]!.warnings).toEqual(['Pagine prima del primo separatore di pratica: pratica da assegnare.']);
    expect(parts[1]!.warnings[0]).toMatch(
      /stampato per la pratica PE 999\/2000, ma la pratica in corso è PE 123\/1987/,
    );
    expect(summary.trailingPages).toEqual([8, 9]);
    expect(summary.warnings.join(' ')).toMatch(/la pratica CE 45\/1991 è rimasta senza pagine/);
    expect(summary.warnings.join(' ')).toMatch(/Separatori senza documenti dopo: pagine 8, 9/);
    expect(summary.warnings.join(' ')).toMatch(/Pagina 9: separatore non leggibile/);
  });

  it('pages must come in order', () => {
    const planner = new BoxSplitPlanner();
    planner.push({ page: 2, kind: 'content' });
    expect(() => planner.push({ page: 2, kind: 'content' })).toThrow(/out of order/);
  });

  it('parts stream out as they close: a 500-page box is planned while its pages are still being read', async () => {
    let read = 0;
    const firstPartAtPage: number[] = [];
    async function* box(): AsyncGenerator<PageDescriptor> {
      for (let page = 1; page <= 500; page++) {
        read = page;
        // a practice every 50 pages, a document-type separator 20 pages into each
        if (page % 50 === 1)
          yield {
            page,
            kind: 'separator',
            separator: { kind: 'practice', comune: 'Siena', pratica: `PE ${page}/1990` },
          };
        else if (page % 50 === 21) yield { page, kind: 'separator', separator: GRAFICI };
        else yield { page, kind: 'content' };
      }
    }
    const parts: SplitPart[] = [];
    for await (const p of planBoxSplit(box())) {
      firstPartAtPage.push(read);
      parts.push(p);
    }
    expect(parts).toHaveLength(20);
    expect(firstPartAtPage[0]).toBe(21); // the first part left as soon as page 21 closed it
    expect(parts.reduce((n, p) => n + p.pages.length, 0)).toBe(480);
    expect(parts[1]).toMatchObject({
      practice: { pratica: 'PE 1/1990' },
      documentType: 'elaborato_grafico',
      pages: Array.from({ length: 29 }, (_, i) => 22 + i),
    });
  });

  it('each part is described in Italian with its page count for checking', () => {
    const planner = new BoxSplitPlanner({ blankPages: 'split' });
    const parts = descriptors(ACCEPTANCE_BOX).flatMap((d) => planner.push(d) ?? []);
    parts.push(planner.end().part!);
    expect(formatPageRanges([1, 2, 3, 5, 7, 8])).toBe('1–3, 5, 7–8');
    expect(parts.map(describeSplitPart)).toEqual([
      'Documento 1 — Pratica PE 123/1987 (Siena) — tipo da classificare — pagine 2–3 (2 pagine) [separatori: 1]',
      'Documento 2 — Pratica PE 123/1987 (Siena) — Elaborato grafico — pagine 5–6 (2 pagine) [separatori: 4]',
      'Documento 3 — Pratica CE 45/1991 (Siena) — tipo da classificare — pagine 8 (1 pagina) [separatori: 7]',
      'Documento 4 — Pratica CE 45/1991 (Siena) — tipo da classificare — pagine 10–11 (2 pagine) [bianche escluse: 9]',
      'Documento 5 — Pratica PDC 7/2021 (Siena) — Relazione tecnica — pagine 14 (1 pagina) [separatori: 12–13]',
      'Documento 6 — Pratica PDC 7/2021 (Siena) — Relazione tecnica — pagine 16 (1 pagina) [bianche escluse: 15]',
    ]);
  });
});
