// The PDF viewer: one page at a time on a canvas with the selectable text layer over it, search terms highlighted,
// page navigation (buttons and ←/→) and the download link. Used by Documento and beside a suggestion in Revisione.
import { useEffect, useRef, useState } from 'preact/hooks';
import { pdfUrl } from './pdf-url.ts';
import { highlightElements, queryWords, termsPattern } from './highlight.ts';
import { isShortcut } from './keyboard.ts';
import type { LoadedPdf, PDFDocumentProxy } from './pdf-view.ts';
import './pdf-viewer.css';

export interface PdfViewerProps {
  documentId: string;
  /** 1-based page to open at (default 1); changing it turns the page. */
  page?: number;
  /** Query text or words to highlight (case- and accent-insensitive). */
  terms?: string | string[];
  /** Told whenever the user turns the page. */
  onPageChange?: (page: number) => void;
  /** ←/→ turn the page (default true). */
  keyboard?: boolean;
}

// pdf.js is loaded on first use, so that the rest of the app does not download it.
type PdfView = typeof import('./pdf-view.ts');
const loadView = (): Promise<PdfView> => import('./pdf-view.ts');

interface Loaded {
  view: PdfView;
  doc: PDFDocumentProxy;
}

const clamp = (n: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, n));

export function PdfViewer({ documentId, page = 1, terms, onPageChange, keyboard = true }: PdfViewerProps) {
  const [pdf, setPdf] = useState<Loaded | null>(null);
  const [current, setCurrent] = useState(page);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(true);
  const [marks, setMarks] = useState(0);
  const [width, setWidth] = useState(0);
  const frameRef = useRef<HTMLDivElement>(null);
  const pageRef = useRef<HTMLDivElement>(null);

  const numPages = pdf?.doc.numPages ?? 0;
  const shown = numPages > 0 ? clamp(current, 1, numPages) : Math.max(1, current);
  const termsKey = Array.isArray(terms) ? terms.join(' ') : (terms ?? '');

  useEffect(() => setCurrent(Number.isFinite(page) && page >= 1 ? Math.floor(page) : 1), [page, documentId]);

  useEffect(() => {
    setPdf(null);
    setError(null);
    setBusy(true);
    let alive = true;
    let loaded: LoadedPdf | undefined;
    loadView().then(
      (view) => {
        if (!alive) return;
        loaded = view.loadPdf(pdfUrl(documentId));
        loaded.promise.then(
          (doc) => alive && setPdf({ view, doc }),
          (err: unknown) => {
            if (!alive || view.isCancellation(err)) return;
            setError(view.pdfErrorMessage(err));
            setBusy(false);
          },
        );
      },
      () => {
        if (!alive) return;
        setError('Impossibile caricare il visualizzatore: ricaricare la pagina.');
        setBusy(false);
      },
    );
    return () => {
      alive = false;
      loaded?.destroy();
    };
  }, [documentId]);

  // Re-render at the new width when the layout changes (window resized, tablet turned); small jitters are ignored.
  useEffect(() => {
    const el = frameRef.current;
    if (!el) return;
    const observer = new ResizeObserver((entries) => {
      const w = Math.floor(entries[0]?.contentRect.width ?? 0);
      setWidth((prev) => (Math.abs(prev - w) >= 16 ? w : prev));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const container = pageRef.current;
    if (!pdf || width <= 0 || !container) return;
    setBusy(true);
    const { view, doc } = pdf;
    const rendered = view.renderPage(doc, shown, width, container, `Immagine della pagina ${shown}`);
    rendered.done.then(
      (spans) => {
        setMarks(highlightElements(spans, termsPattern(queryWords(termsKey))));
        setBusy(false);
      },
      (err: unknown) => {
        if (view.isCancellation(err)) return;
        setError(view.pdfErrorMessage(err));
        setBusy(false);
      },
    );
    return () => rendered.cancel();
  }, [pdf, shown, width, termsKey]);

  const go = (n: number): void => {
    if (numPages === 0 || n < 1 || n > numPages || n === shown) return;
    setCurrent(n);
    onPageChange?.(n);
  };

  useEffect(() => {
    if (!keyboard) return;
    const onKey = (ev: KeyboardEvent): void => {
      if (!isShortcut(ev) || ev.shiftKey) return;
      if (ev.key === 'ArrowLeft') go(shown - 1);
      else if (ev.key === 'ArrowRight') go(shown + 1);
      else return;
      ev.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  return (
    <section class="pdfv" aria-label="Visualizzatore del documento" aria-busy={busy}>
      <div class="pdfv-toolbar">
        <button type="button" onClick={() => go(shown - 1)} disabled={numPages === 0 || shown <= 1}>
          Pagina precedente
        </button>
        <span class="pdfv-position" aria-live="polite">
          Pagina {shown} di {numPages > 0 ? numPages : '…'}
        </span>
        <button type="button" onClick={() => go(shown + 1)} disabled={numPages === 0 || shown >= numPages}>
          Pagina successiva
        </button>
        <a class="pdfv-download" href={pdfUrl(documentId)} download>
          Scarica PDF
        </a>
        {termsKey.trim() !== '' && !busy && (
          <span class="pdfv-marks">
            {marks === 0
              ? 'Nessun termine evidenziato in questa pagina'
              : marks === 1
                ? '1 termine evidenziato'
                : `${marks} termini evidenziati`}
          </span>
        )}
      </div>
      {error && (
        <p class="pdfv-error" role="alert">
          {error}
        </p>
      )}
      <div class="pdfv-frame" ref={frameRef} hidden={error !== null}>
        {busy && !error && <p class="pdfv-loading">Caricamento della pagina…</p>}
        {/* Filled by pdf-view.ts: the page's canvas and its text layer. */}
        <div class="pdfv-page" ref={pageRef} />
      </div>
    </section>
  );
}
