// Page quality warnings as the API sends them (src/scan/page-quality.ts, src/scan/batch-quality.ts), for the batch
// dashboard's "Controllo qualità" section and the document page's badge.
export type QualityCode = 'low-dpi' | 'blank' | 'near-blank' | 'too-dark' | 'too-light' | 'skew' | 'cut-edge';
export type ReportCode = QualityCode | 'page-count';

export const QUALITY_LABELS: Record<ReportCode, string> = {
  'low-dpi': 'Risoluzione insufficiente',
  blank: 'Pagina bianca',
  'near-blank': 'Pagina quasi bianca',
  'too-dark': 'Scansione troppo scura',
  'too-light': 'Scansione troppo chiara',
  skew: 'Pagina storta',
  'cut-edge': 'Contenuto tagliato sul bordo',
  'page-count': 'Numero di pagine diverso dall’inventario',
};

export interface QualityWarning {
  code: QualityCode;
  message: string;
  value: number | null;
  threshold: number;
}

export interface PageQuality {
  warnings: QualityWarning[];
}

export interface BatchQualityReport {
  batchId: string;
  done: boolean;
  pagesChecked: number;
  pagesFlagged: number;
  totals: Record<ReportCode, number>;
  documents: Array<{
    documentId: string;
    filename: string;
    practiceKey?: string;
    pages: Array<{ page: number; warnings: QualityWarning[] }>;
  }>;
  practices: Array<{
    practiceKey: string;
    expectedPages?: number;
    digitisedPages: number;
    warning?: { code: 'page-count'; message: string };
  }>;
}
