// Where a document's searchable PDF is served (kept apart from the viewer so that links need not load pdf.js).
export const pdfUrl = (documentId: string): string => `/api/documents/${encodeURIComponent(documentId)}/pdf`;
