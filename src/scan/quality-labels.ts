// The page quality checks' codes and Italian names: no imports, so the web app can use them as they are.
export const QUALITY_CODES = ['low-dpi', 'blank', 'near-blank', 'too-dark', 'too-light', 'skew', 'cut-edge'] as const;
export type QualityCode = (typeof QUALITY_CODES)[number];

/** Italian names of the checks (UI, CSV). */
export const QUALITY_LABELS: Record<QualityCode | 'page-count', string> = {
  'low-dpi': 'Risoluzione insufficiente',
  blank: 'Pagina bianca',
  'near-blank': 'Pagina quasi bianca',
  'too-dark': 'Scansione troppo scura',
  'too-light': 'Scansione troppo chiara',
  skew: 'Pagina storta',
  'cut-edge': 'Contenuto tagliato sul bordo',
  'page-count': 'Numero di pagine diverso dall’inventario',
};
