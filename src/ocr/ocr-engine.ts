// OcrEngine port: recognise one page image into words with boxes, text and an invisible-text PDF page.

export interface OcrWord {
  text: string;
  confidence: number; // 0..100
  bbox: { x0: number; y0: number; x1: number; y1: number }; // pixels of the recognised image
}

export interface OcrPageResult {
  text: string;
  confidence: number; // mean word confidence 0..100
  words: OcrWord[];
  /** One-page PDF holding only invisible text, sized for the image at `dpi`; overlaid on the page image later. */
  textPdf: Uint8Array;
  widthPx: number;
  heightPx: number;
  engine: { name: string; version: string; languages: string };
  durationMs: number;
}

export interface OcrOptions {
  dpi?: number; // resolution of the image, used to size the PDF page; default 300
}

export interface OcrEngine {
  recognise(image: Buffer, opts?: OcrOptions): Promise<OcrPageResult>;
  close(): Promise<void>;
}

// Errors any engine reports; the pipeline tells them apart (a timeout twice is permanent, a crash is retried).
export class OcrError extends Error {
  override name = 'OcrError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
export class OcrTimeoutError extends OcrError {
  override name = 'OcrTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`OCR of the page exceeded ${timeoutMs} ms: worker terminated and replaced`);
  }
}
export class OcrWorkerCrashedError extends OcrError {
  override name = 'OcrWorkerCrashedError';
}
export class OcrEngineClosedError extends OcrError {
  override name = 'OcrEngineClosedError';
  constructor() {
    super('OCR engine is closed');
  }
}
export class OcrConfigError extends OcrError {
  override name = 'OcrConfigError';
}
