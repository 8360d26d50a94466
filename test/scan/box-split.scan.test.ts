// End to end on generated box scans: separator sheets printed and scanned (200 DPI bilevel, ±2° skew), generated
// content pages, a blank and a near-blank page, assembled into one multi-page file, read one page at a time.
import { beforeAll, describe, expect, it } from 'vitest';
import { pdfPageImages } from '../../src/ocr/pdf-images.ts';
import { describeSplitPart, planBoxSplit, type PageDescriptor, type SplitPart } from '../../src/scan/box-split.ts';
import { describeScanPages, type ScanPageInput } from '../../src/scan/separator.reader.ts';
import type { SeparatorPayload } from '../../src/scan/separator.payload.ts';
import { ACCEPTANCE_BOX, EXPECTED_SPLIT, simplify } from './acceptance-box.ts';
import { blankPage, boxPdf, boxTiff, contentPage, separatorPages, tiffPages, type BoxPage } from './box-scan.ts';

const DPI = 200;
let pages: BoxPage[];

beforeAll(async () => {
  const seps = ACCEPTANCE_BOX.filter((x): x is SeparatorPayload => typeof x !== 'string');
  // Alternate the skew so both directions are read; each sheet gets its own noise.
  const scannedSeps = [
    ...(await separatorPages(
      seps.filter((_, i) => i % 2 === 0),
      DPI,
      { bilevel: true, skewDeg: 2, seed: 1 },
    )),
    ...(await separatorPages(
      seps.filter((_, i) => i % 2 === 1),
      DPI,
      { bilevel: true, skewDeg: -2, seed: 2 },
    )),
  ];
  const sepOrder = [...seps.keys()].map((i) => (i % 2 === 0 ? i / 2 : Math.ceil(seps.length / 2) + (i - 1) / 2));
  // Three generated content pages, reused: the split only cares about where pages are.
  const contents = [
    await contentPage(101, DPI, { bilevel: true }),
    await contentPage(102, DPI, { bilevel: true }),
    await contentPage(103, DPI, { bilevel: true }),
  ];
  const blanks = [
    await blankPage(104, DPI, { bilevel: true }),
    await blankPage(105, DPI, { bilevel: true, specks: 140 }),
  ];
  let s = 0;
  let c = 0;
  let b = 0;
  pages = ACCEPTANCE_BOX.map((x) =>
    x === 'content' ? contents[c++ % 3]! : x === 'blank' ? blanks[b++]! : scannedSeps[sepOrder[s++]!]!,
  );
}, 300_000);

async function split(
  source: AsyncIterable<ScanPageInput>,
): Promise<{ parts: SplitPart[]; progress: Array<{ page: number; kind: PageDescriptor['kind'] }> }> {
  const progress: Array<{ page: number; kind: PageDescriptor['kind'] }> = [];
  const described = describeScanPages(source, { onProgress: ({ page, kind }) => progress.push({ page, kind }) });
  const parts: SplitPart[] = [];
  for await (const part of planBoxSplit(described, { blankPages: 'split' })) parts.push(part);
  return { parts, progress };
}

const EXPECTED_KINDS = ACCEPTANCE_BOX.map((x) => (x === 'content' ? 'content' : x === 'blank' ? 'blank' : 'separator'));

describe('box scan split', () => {
  it('a bilevel multi-page TIFF box splits into the right documents with the right pages, with progress per page', async () => {
    const tiff = await boxTiff(pages, true);
    const { parts, progress } = await split(tiffPages(tiff));
    expect(progress.map((p) => p.kind)).toEqual(EXPECTED_KINDS);
    expect(progress.map((p) => p.page)).toEqual(ACCEPTANCE_BOX.map((_, i) => i + 1));
    expect(simplify(parts)).toEqual(EXPECTED_SPLIT);
    expect(parts[0]!.practice).toEqual({
      comune: 'Siena',
      pratica: 'PE 123/1987',
      proc: 'licenza_edilizia',
      box: 'Faldone 12',
    });
    expect(parts.map((p) => p.pages.length)).toEqual([2, 2, 1, 2, 1, 1]);
    expect(describeSplitPart(parts[1]!)).toBe(
      'Documento 2 — Pratica PE 123/1987 (Siena) — Elaborato grafico — pagine 5–6 (2 pagine) [separatori: 4]',
    );
  });

  it('the same box as an image-only PDF of grey JPEG pages splits the same way', async () => {
    const pdf = await boxPdf(pages);
    async function* pdfPages(): AsyncGenerator<ScanPageInput> {
      for await (const p of pdfPageImages(pdf)) {
        if (p.kind !== 'image') throw new Error(`page ${p.pageNumber}: ${p.reason}`);
        yield { page: p.pageNumber, image: p.image.input, dpi: p.image.dpi };
      }
    }
    const { parts } = await split(pdfPages());
    expect(simplify(parts)).toEqual(EXPECTED_SPLIT);
  });
});
