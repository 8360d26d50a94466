// A batch's quality report: per document the flagged pages with their warnings, totals by code, and, once every
// document of the batch is done, the practices whose digitised pages differ from what the paper inventory expects.
// The rescan list is the same report flattened into rows (one per flagged page, one per practice short of pages).
import type { DocumentRecord, MetadataStore } from '../db/metadata-store.ts';
import { filedPracticeKey } from '../paper/digitisation-hook.ts';
import type { PaperLocation, PaperStore } from '../paper/paper-store.ts';
import { csvCell } from '../paper/progress-csv.ts';
import type { TenantScope } from '../tenancy/tenant-scope.ts';
import { QUALITY_CODES, QUALITY_LABELS, type QualityCode, type QualityWarning } from './page-quality.ts';

export type ReportCode = QualityCode | 'page-count';

export interface FlaggedPage {
  page: number;
  warnings: QualityWarning[];
}

export interface DocumentQuality {
  documentId: string;
  filename: string;
  status: DocumentRecord['status'];
  comune: string;
  practiceKey?: string;
  /** Where the paper practice sits, from the inventory. */
  location?: PaperLocation;
  pagesChecked: number;
  /** Only the pages with warnings. */
  pages: FlaggedPage[];
}

export interface PageCountWarning {
  code: 'page-count';
  message: string;
  /** Pages digitised for the practice (the inventory's counter). */
  value: number;
  /** Pages the inventory expects. */
  threshold: number;
}

export interface PracticePageCount {
  comune: string;
  practiceKey: string;
  expectedPages?: number;
  digitisedPages: number;
  location: PaperLocation;
  /** Documents of this batch filed under the practice. */
  documentIds: string[];
  warning?: PageCountWarning;
}

export interface BatchQualityReport {
  batchId: string;
  /** Every document of the batch reached a terminal status: the page counts are checked only then. */
  done: boolean;
  pagesChecked: number;
  pagesFlagged: number;
  /** Flagged pages per code (page-count: practices). */
  totals: Record<ReportCode, number>;
  labels: Record<ReportCode, string>;
  documents: DocumentQuality[];
  practices: PracticePageCount[];
}

export interface QualityServices {
  db: Pick<MetadataStore, 'batchSummary' | 'listDocuments' | 'listPageQuality' | 'practiceMember' | 'getPractice'>;
  paper: Pick<PaperStore, 'getInventoryByKey'>;
}

/** The report of a batch as `scope` may see it (null when the batch does not exist). */
export async function batchQualityReport(
  services: QualityServices,
  batchId: string,
  scope?: TenantScope,
): Promise<BatchQualityReport | null> {
  const { db, paper } = services;
  const summary = await db.batchSummary(batchId);
  if (!summary) return null;
  const filter = { batchId, ...(scope ? { scope } : {}) };
  const [docs, rows] = await Promise.all([db.listDocuments(filter), db.listPageQuality(filter)]);
  const totals = Object.fromEntries([...QUALITY_CODES, 'page-count'].map((c) => [c, 0])) as Record<ReportCode, number>;

  const byDoc = new Map<string, typeof rows>();
  for (const r of rows) byDoc.set(r.documentId, [...(byDoc.get(r.documentId) ?? []), r]);
  const practices = new Map<string, PracticePageCount>();
  const documents: DocumentQuality[] = [];
  let pagesFlagged = 0;
  for (const doc of docs) {
    const checked = byDoc.get(doc.id) ?? [];
    const flagged = checked.filter((r) => r.quality.warnings.length > 0);
    pagesFlagged += flagged.length;
    for (const r of flagged) for (const w of r.quality.warnings) totals[w.code]++;
    const practiceKey = await filedPracticeKey(db, doc);
    const record = practiceKey ? await paper.getInventoryByKey(doc.comune, practiceKey) : null;
    if (record) {
      const key = `${record.comune}|${record.practiceKey}`;
      const entry = practices.get(key) ?? {
        comune: record.comune,
        practiceKey: record.practiceKey,
        ...(record.expectedPages !== undefined ? { expectedPages: record.expectedPages } : {}),
        digitisedPages: record.pages,
        location: record.location,
        documentIds: [],
      };
      entry.documentIds.push(doc.id);
      practices.set(key, entry);
    }
    if (!checked.length && !record) continue;
    documents.push({
      documentId: doc.id,
      filename: doc.filename,
      status: doc.status,
      comune: doc.comune,
      ...(practiceKey ? { practiceKey } : {}),
      ...(record ? { location: record.location } : {}),
      pagesChecked: checked.length,
      pages: flagged.map((r) => ({ page: r.page, warnings: r.quality.warnings })),
    });
  }
  if (summary.done) {
    for (const p of practices.values()) {
      if (p.expectedPages === undefined || p.expectedPages === p.digitisedPages) continue;
      const diff = p.digitisedPages - p.expectedPages;
      p.warning = {
        code: 'page-count',
        message:
          `Pratica ${p.practiceKey}: ${p.digitisedPages} pagine digitalizzate, ${p.expectedPages} attese ` +
          `dall’inventario (${diff > 0 ? `${diff} in più` : `${-diff} mancanti`})`,
        value: p.digitisedPages,
        threshold: p.expectedPages,
      };
      totals['page-count']++;
    }
  }
  return {
    batchId,
    done: summary.done,
    pagesChecked: rows.length,
    pagesFlagged,
    totals,
    labels: QUALITY_LABELS,
    documents,
    practices: [...practices.values()],
  };
}

export interface RescanRow {
  documentId?: string;
  filename: string;
  /** Absent for a practice whose page count differs (the whole practice is to be checked). */
  page?: number;
  codes: ReportCode[];
  reasons: string[];
  comune: string;
  practiceKey?: string;
  location?: PaperLocation;
}

/** The pages to rescan, in batch order, then the practices whose page count differs. `codes` narrows the list. */
export function rescanRows(report: BatchQualityReport, codes?: readonly string[]): RescanRow[] {
  const wanted = (c: string) => !codes?.length || codes.includes(c);
  const rows: RescanRow[] = [];
  for (const d of report.documents) {
    for (const p of d.pages) {
      const warnings = p.warnings.filter((w) => wanted(w.code));
      if (!warnings.length) continue;
      rows.push({
        documentId: d.documentId,
        filename: d.filename,
        page: p.page,
        codes: warnings.map((w) => w.code),
        reasons: warnings.map((w) => w.message),
        comune: d.comune,
        ...(d.practiceKey ? { practiceKey: d.practiceKey } : {}),
        ...(d.location ? { location: d.location } : {}),
      });
    }
  }
  if (wanted('page-count')) {
    for (const p of report.practices) {
      if (!p.warning) continue;
      const files = report.documents.filter((d) => p.documentIds.includes(d.documentId)).map((d) => d.filename);
      rows.push({
        filename: files.join(', '),
        codes: ['page-count'],
        reasons: [p.warning.message],
        comune: p.comune,
        practiceKey: p.practiceKey,
        location: p.location,
      });
    }
  }
  return rows;
}

export const RESCAN_CSV_HEADERS = [
  'File',
  'Pagina',
  'Problemi',
  'Codici',
  'Comune',
  'Pratica',
  'Edificio',
  'Stanza',
  'Scaffale',
  'Faldone',
] as const;

/** The rescan list for spreadsheets set to Italian: semicolons, a UTF-8 BOM, CRLF. */
export function rescanCsv(rows: readonly RescanRow[]): string {
  const lines = [
    RESCAN_CSV_HEADERS.join(';'),
    ...rows.map((r) =>
      [
        r.filename,
        r.page === undefined ? '' : String(r.page),
        r.reasons.join(' | '),
        r.codes.join(','),
        r.comune,
        r.practiceKey ?? '',
        r.location?.building ?? '',
        r.location?.room ?? '',
        r.location?.shelf ?? '',
        r.location?.box ?? '',
      ]
        .map(csvCell)
        .join(';'),
    ),
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
