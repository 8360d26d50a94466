// GET /api/documents/:id/pages/:page/versions as the viewer shows it: labels and the polling rule. The version shapes
// are the server's (type-only imports: nothing of the server enters the bundle).
import type { PageVersionStatus, PageVersionView } from '../../../../db/page-versions.ts';

export type { PageVersionStatus, PageVersionView };

export interface PageVersionsResponse {
  documentId: string;
  page: number;
  versions: PageVersionView[];
}

export const VERSION_STATUS_LABELS: Record<PageVersionStatus, string> = {
  pending: 'In lavorazione',
  applied: 'Applicata',
  failed: 'Non applicata',
};

export const VERSION_STATUS_BADGES: Record<PageVersionStatus, string> = {
  pending: 'badge-progress',
  applied: 'badge-ok',
  failed: 'badge-error',
};

/** "Originale" for v1, "Nuova scansione" after. */
export const versionLabel = (v: Pick<PageVersionView, 'version'>) =>
  v.version === 1 ? 'v1 — originale' : `v${v.version} — nuova scansione`;

export const hasPending = (r: PageVersionsResponse | undefined) => !!r?.versions.some((v) => v.status === 'pending');

export const versionImageUrl = (documentId: string, page: number, version: number) =>
  `/api/documents/${documentId}/pages/${page}/versions/${version}/image`;
