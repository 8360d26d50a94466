// pdf.js in the browser: loads a document's searchable PDF (same-origin, the session cookie goes with it) and renders
// one page to a canvas with the text layer over it. The worker is bundled by Vite: no CDN.
import {
  getDocument,
  GlobalWorkerOptions,
  type ResponseException,
  TextLayer,
  type PDFDocumentLoadingTask,
  type PDFDocumentProxy,
  type RenderTask,
} from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

GlobalWorkerOptions.workerSrc = workerUrl;

export type { PDFDocumentProxy };

export interface LoadedPdf {
  promise: Promise<PDFDocumentProxy>;
  /** Stops the download and frees the worker's copy of the document. */
  destroy(): void;
}

export function loadPdf(url: string): LoadedPdf {
  // No eval (a strict CSP forbids it); fonts of OCR text layers are embedded, so no standard font data is needed.
  const task: PDFDocumentLoadingTask = getDocument({ url, isEvalSupported: false, withCredentials: false });
  return { promise: task.promise, destroy: () => void task.destroy() };
}

/** A message for people about why the PDF could not be shown. */
export function pdfErrorMessage(err: unknown): string {
  const name = err instanceof Error ? err.name : '';
  // Errors cross the worker boundary as copies: compare names, not classes.
  if (name === 'ResponseException') {
    const status = (err as ResponseException).status;
    if (status === 401) return 'Sessione scaduta: accedere di nuovo per vedere il documento.';
    if (status === 403) return 'Accesso non consentito a questo documento.';
    if (status === 404) return 'Documento o PDF non trovato.';
    if (status === 409) return 'Il PDF non è ancora disponibile: il documento è ancora in lavorazione.';
    return `Impossibile scaricare il PDF (errore ${status}).`;
  }
  if (name === 'InvalidPDFException') return 'Il file non è un PDF valido.';
  return 'Impossibile mostrare il PDF.';
}

export interface RenderedPage {
  /** Resolves with the text-layer spans once the page is drawn and shown. */
  done: Promise<HTMLElement[]>;
  cancel(): void;
}

/** Scale that fits the page in `width` CSS pixels, kept readable on narrow screens and sharp on wide ones. */
export function fitScale(pageWidthPt: number, width: number): number {
  if (!(pageWidthPt > 0) || !(width > 0)) return 1;
  return Math.min(3, Math.max(0.6, width / pageWidthPt));
}

/**
 * Draws page `pageNumber` into a NEW canvas and text layer and swaps them into `container` when both are ready:
 * the previous page stays visible meanwhile, and a render cancelled by a quick page turn never shares its canvas with
 * the next one (pdf.js refuses two renders on one canvas until the first has wound down).
 */
export function renderPage(
  pdf: PDFDocumentProxy,
  pageNumber: number,
  width: number,
  container: HTMLElement,
  canvasLabel: string,
): RenderedPage {
  let renderTask: RenderTask | undefined;
  let textLayer: TextLayer | undefined;
  let cancelled = false;

  const done = (async () => {
    const page = await pdf.getPage(pageNumber);
    if (cancelled) throw new CancelledError();
    const viewport = page.getViewport({ scale: fitScale(page.getViewport({ scale: 1 }).width, width) });
    const ratio = window.devicePixelRatio || 1;
    const cssWidth = `${Math.floor(viewport.width)}px`;
    const cssHeight = `${Math.floor(viewport.height)}px`;

    const canvas = document.createElement('canvas');
    canvas.width = Math.floor(viewport.width * ratio);
    canvas.height = Math.floor(viewport.height * ratio);
    canvas.style.width = cssWidth;
    canvas.style.height = cssHeight;
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', canvasLabel);
    const text = document.createElement('div');
    text.className = 'textLayer';

    renderTask = page.render({
      canvas,
      viewport,
      transform: ratio === 1 ? undefined : [ratio, 0, 0, ratio, 0, 0],
    });
    textLayer = new TextLayer({ textContentSource: page.streamTextContent(), container: text, viewport });
    await Promise.all([renderTask.promise, textLayer.render()]);
    if (cancelled) throw new CancelledError();

    container.style.width = cssWidth;
    container.style.height = cssHeight;
    container.style.setProperty('--scale-factor', String(viewport.scale));
    container.replaceChildren(canvas, text);
    return textLayer.textDivs;
  })().catch((err: unknown) => {
    // Whatever a superseded render ends with (the document destroyed under it, a cancelled task) is no error.
    throw cancelled ? new CancelledError() : err;
  });

  return {
    done,
    cancel() {
      cancelled = true;
      renderTask?.cancel();
      textLayer?.cancel();
    },
  };
}

/** Thrown by a render that was superseded (page turned, viewer closed): not an error to show. */
export class CancelledError extends Error {
  constructor() {
    super('render cancelled');
    this.name = 'CancelledError';
  }
}

export function isCancellation(err: unknown): boolean {
  return (
    err instanceof CancelledError ||
    (err instanceof Error && (err.name === 'RenderingCancelledException' || err.name === 'AbortException'))
  );
}
