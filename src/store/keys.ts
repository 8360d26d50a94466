// Where each object of a document lives in the ObjectStore. The one place that knows the layout.

const pad = (n: number) => String(n).padStart(4, '0');

export const keys = {
  original: (sha: string) => `originals/${sha}`,
  work: (sha: string) => `work/${sha}/`,
  pageOcrImage: (sha: string, page: number) => `work/${sha}/page-${pad(page)}.png`,
  pagePdfImage: (sha: string, page: number) => `work/${sha}/page-${pad(page)}.jpg`,
  pagesManifest: (sha: string) => `work/${sha}/pages.json`,
  /** A born-digital page's own text layer (text and word boxes), used instead of OCR. */
  pageTextLayer: (sha: string, page: number) => `work/${sha}/text-layer-${pad(page)}.json`,
  pageOcrResult: (sha: string, page: number) => `work/${sha}/ocr-${pad(page)}.json`,
  pageTextPdf: (sha: string, page: number) => `work/${sha}/ocr-${pad(page)}.pdf`,
  workPdf: (sha: string) => `work/${sha}/document.pdf`,
  workText: (sha: string) => `work/${sha}/text.json`,
  archive: (year: number, sha: string) => `archive/${year}/${sha}`,
  quarantine: (sha: string) => `quarantine/${sha}`,
  /** Attestations of conformity issued for a batch, and the signed files received, by their SHA-256. */
  conformityAttestation: (batchId: string, sha: string) => `conformity/${batchId}/attestazione-${sha}.pdf`,
  /** The closed verification by sampling (every sampled page with its outcome, and the report), as JSON. */
  conformityReport: (batchId: string, verificationId: string) =>
    `conformity/${batchId}/verifica-${verificationId}.json`,
  conformitySigned: (batchId: string, sha: string, ext: 'p7m' | 'pdf') => `conformity/${batchId}/firmato-${sha}.${ext}`,
  /** A rescan of an archived page as received, until the rescan job has put it in the archive package. */
  rescanInbox: (sha: string, page: number, version: number) => `rescans/${sha}/page-${pad(page)}-v${version}`,
  /** How a box scan was split into documents (JSON), kept beside its original. */
  splitPlan: (sha: string) => `splits/${sha}/plan.json`,
  /** A box scan's own event log (JSON), kept beside its plan: it has no package whose manifest would carry it. */
  splitEvents: (sha: string) => `splits/${sha}/events.json`,
};

/** File names inside an archive package. */
export const PACKAGE_FILES = {
  pdf: 'document.pdf',
  text: 'text.json',
  manifest: 'manifest.json',
  original: (ext: string) => `original.${ext}`,
  /** A rescanned page as received (version >= 2). Flat names: a package has no folders (PdV export). */
  rescan: (page: number, version: number, ext: string) => `rescan-page-${pad(page)}-v${version}.${ext}`,
  /** The searchable PDF and text of an earlier edition, kept when a rescan produced the next one. */
  previousPdf: (edition: number) => `document.v${edition}.pdf`,
  previousText: (edition: number) => `text.v${edition}.json`,
};
