import { describe, expect, it } from 'vitest';
import type { BatchPageQuality, DocumentRecord } from '../../src/db/metadata-store.ts';
import type { InventoryRecord } from '../../src/paper/paper-store.ts';
import { batchQualityReport, rescanCsv, rescanRows, type QualityServices } from '../../src/scan/batch-quality.ts';
import type { QualityWarning } from '../../src/scan/page-quality.ts';

const warning = (code: QualityWarning['code'], message: string): QualityWarning => ({
  code,
  message,
  value: 1,
  threshold: 2,
});
const measures = {
  dpi: 300,
  meanLuminance: 240,
  paperLevel: 245,
  inkCoverage: 0.02,
  inkedTileFraction: 0.3,
  skewDegrees: 0,
  edgeInk: { top: 0, right: 0, bottom: 0, left: 0 },
};
const doc = (id: string, filename: string) =>
  ({ id, filename, status: 'archived', comune: 'E730' }) as unknown as DocumentRecord;

function services(done: boolean, rows: BatchPageQuality[], inventory: Partial<InventoryRecord>): QualityServices {
  return {
    db: {
      batchSummary: async () => ({ done }) as never,
      listDocuments: async () => [doc('d1', '=cmd.tif'), doc('d2', 'b.tif')],
      listPageQuality: async () => rows,
      // d1 is filed under PE 1/1990, d2 under no practice.
      practiceMember: async (id) => (id === 'd1' ? ({ practiceId: 'p1' } as never) : null),
      getPractice: async () => ({ key: 'PE 1/1990' }) as never,
    },
    paper: {
      getInventoryByKey: async (comune, key) =>
        key === 'PE 1/1990'
          ? ({ comune, practiceKey: key, pages: 2, location: { box: 'B7' }, ...inventory } as InventoryRecord)
          : null,
    },
  };
}

const rows: BatchPageQuality[] = [
  { documentId: 'd1', page: 1, quality: { warnings: [], measures } },
  { documentId: 'd1', page: 2, quality: { warnings: [warning('skew', 'Pagina storta; di 4°')], measures } },
  {
    documentId: 'd2',
    page: 1,
    quality: { warnings: [warning('blank', 'Pagina bianca'), warning('low-dpi', 'Risoluzione')], measures },
  },
];

describe('batch quality report', () => {
  it('counts flagged pages by code and checks page counts only once the batch is done', async () => {
    const running = (await batchQualityReport(services(false, rows, { expectedPages: 5 }), 'b'))!;
    expect(running).toMatchObject({ done: false, pagesChecked: 3, pagesFlagged: 2 });
    expect(running.totals).toMatchObject({ skew: 1, blank: 1, 'low-dpi': 1, 'page-count': 0 });
    expect(running.practices[0]).not.toHaveProperty('warning');

    const done = (await batchQualityReport(services(true, rows, { expectedPages: 5 }), 'b'))!;
    expect(done.totals['page-count']).toBe(1);
    expect(done.practices[0]!.warning).toMatchObject({ value: 2, threshold: 5 });
    expect(done.practices[0]!.warning!.message).toBe(
      'Pratica PE 1/1990: 2 pagine digitalizzate, 5 attese dall’inventario (3 mancanti)',
    );
    // As expected, or no expectation: no warning.
    for (const inv of [{ expectedPages: 2 }, {}]) {
      expect((await batchQualityReport(services(true, rows, inv), 'b'))!.totals['page-count']).toBe(0);
    }
  });

  it('flattens into rescan rows, narrowed by code, and a CSV that spreadsheets read safely', async () => {
    const report = (await batchQualityReport(services(true, rows, { expectedPages: 5 }), 'b'))!;
    expect(rescanRows(report).map((r) => [r.filename, r.page, r.codes])).toEqual([
      ['=cmd.tif', 2, ['skew']],
      ['b.tif', 1, ['blank', 'low-dpi']],
      ['=cmd.tif', undefined, ['page-count']],
    ]);
    expect(rescanRows(report, ['low-dpi']).map((r) => [r.page, r.codes])).toEqual([[1, ['low-dpi']]]);
    const csv = rescanCsv(rescanRows(report, ['skew']));
    expect(csv.startsWith('\uFEFFFile;Pagina;Problemi;')).toBe(true);
    // A formula-looking file name is defused, a ';' in a message is quoted.
    expect(csv.split('\r\n')[1]).toBe(`'=cmd.tif;2;"Pagina storta; di 4°";skew;E730;PE 1/1990;;;;B7`);
  });
});
