// Page quality warnings as the API sends them, for the batch dashboard's "Controllo qualità" section and the document
// page's badge. The server owns the shapes (type-only imports: nothing of the server enters the bundle); the labels
// come from its pure module.
import type { BatchQualityReport, ReportCode } from '../../scan/batch-quality.ts';
import type { PageQuality, QualityCode, QualityWarning } from '../../scan/page-quality.ts';

export { QUALITY_LABELS } from '../../scan/quality-labels.ts';
export type { BatchQualityReport, PageQuality, QualityCode, QualityWarning, ReportCode };
