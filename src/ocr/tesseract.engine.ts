// OcrEngine adapter over tesseract.js 7: a pool of WASM workers (worker_threads) fed from a FIFO queue.
// - Language data is read from the local @tesseract.js-data/<lang> packages (never the network): cacheMethod 'none'.
// - psm 3 (auto) and tesseract's own deskew (rotateAuto): on skewed synthetic pages CER drops from ~16% to ~0.01%.
// - A page that exceeds pageTimeoutMs terminates its worker (which is replaced) and rejects with OcrTimeoutError.
// - A worker is recycled (terminated and recreated) after recycleAfterPages pages: its WASM heap only grows.
// - When tesseract deskews, word boxes and the invisible-text PDF are mapped back onto the INPUT image, so the text
//   layer lines up with the unrotated page image used in the searchable PDF.
import { existsSync, mkdirSync, renameSync, symlinkSync, readlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createHash } from 'node:crypto';
import type { Worker as ThreadWorker } from 'node:worker_threads';
import Tesseract from 'tesseract.js';
import { PDFDocument, radians } from 'pdf-lib';
import { silentLogger, type Logger } from '../core/logger.ts';
import type { OcrEngine, OcrOptions, OcrPageResult, OcrWord } from './ocr-engine.ts';
import { engineInputMetadata, uprightPng } from './engine-input.ts';

const require = createRequire(import.meta.url);
const TESSERACT_JS_VERSION: string = (require('tesseract.js/package.json') as { version: string }).version;

/** '4.0.0_best_int': LSTM-only integer model (1.7 MB for ita). '4.0.0': the same LSTM plus legacy data (6.9 MB). */
export type TessdataVariant = '4.0.0_best_int' | '4.0.0';

export interface TesseractEngineOptions {
  /** Number of tesseract.js workers (threads); one page at a time each. */
  workers: number;
  /** Tesseract language codes joined with '+', default 'ita'. */
  languages?: string;
  /** Folder holding <lang>.traineddata(.gz) for every language; default: the @tesseract.js-data packages. */
  langPath?: string;
  /** Which folder of the @tesseract.js-data packages to use, default '4.0.0_best_int'. */
  tessdataVariant?: TessdataVariant;
  /** Per-page limit, measured from when a worker starts the page. Default 120 s. */
  pageTimeoutMs?: number;
  /** Limit for creating a worker (loading WASM + language data). Default 60 s. */
  createTimeoutMs?: number;
  /** Terminate and recreate a worker after this many pages. Default 200. */
  recycleAfterPages?: number;
  /** Tesseract page segmentation mode, default 3 (fully automatic). */
  psm?: number;
  /** Let tesseract detect and correct small skew (rotateAuto). Default true. */
  deskew?: boolean;
  /** Create all workers now (in the background) instead of on first use. Default false. */
  eager?: boolean;
  logger?: Logger;
}

/** Extra fields the tesseract adapter adds to the port's result. */
export interface TesseractPageResult extends OcrPageResult {
  /** Rotation tesseract applied before recognising (radians, clockwise in image coordinates); 0 if none. */
  deskewRadians: number;
}

import {
  OcrError,
  OcrTimeoutError,
  OcrWorkerCrashedError,
  OcrEngineClosedError,
  OcrConfigError,
} from './ocr-engine.ts';

// ---------------------------------------------------------------------------------------------------------------
// Language data

export interface ResolvedLangData {
  langPath: string;
  gzip: boolean;
  languages: string;
}

/** Finds local traineddata for `languages` and returns a folder holding all of them (throws OcrConfigError). */
export function resolveLangData(
  languages: string,
  opts: { langPath?: string; tessdataVariant?: TessdataVariant } = {},
): ResolvedLangData {
  if (!/^[A-Za-z_]+(\+[A-Za-z_]+)*$/.test(languages)) {
    throw new OcrConfigError(`invalid tesseract languages: ${JSON.stringify(languages)}`);
  }
  const langs = languages.split('+');
  if (opts.langPath) {
    const gz = langs.every((l) => existsSync(join(opts.langPath!, `${l}.traineddata.gz`)));
    const plain = langs.every((l) => existsSync(join(opts.langPath!, `${l}.traineddata`)));
    if (!gz && !plain) {
      throw new OcrConfigError(
        `langPath ${opts.langPath} lacks ${langs.map((l) => `${l}.traineddata[.gz]`).join(', ')}`,
      );
    }
    return { langPath: opts.langPath, gzip: gz, languages };
  }
  const variant = opts.tessdataVariant ?? '4.0.0_best_int';
  const files = langs.map((lang) => {
    let pkgDir: string;
    try {
      pkgDir = dirname(require.resolve(`@tesseract.js-data/${lang}/package.json`));
    } catch {
      throw new OcrConfigError(`no language data for '${lang}': npm install @tesseract.js-data/${lang}`);
    }
    const file = join(pkgDir, variant, `${lang}.traineddata.gz`);
    if (!existsSync(file)) throw new OcrConfigError(`missing ${file}`);
    return { lang, file };
  });
  if (files.length === 1) return { langPath: dirname(files[0]!.file), gzip: true, languages };

  // Several languages: tesseract.js reads them all from one folder. Build it once under the temp dir with symlinks.
  const key = createHash('sha256')
    .update(files.map((f) => f.file).join('\n'))
    .digest('hex')
    .slice(0, 12);
  const dir = join(tmpdir(), 'faldone-tessdata', `${variant}-${langs.join('+')}-${key}`);
  mkdirSync(dir, { recursive: true });
  for (const { lang, file } of files) {
    const link = join(dir, `${lang}.traineddata.gz`);
    let current: string | undefined;
    try {
      current = readlinkSync(link);
    } catch {
      current = undefined;
    }
    if (current === file) continue;
    const tmp = `${link}.${process.pid}.${Date.now()}`;
    symlinkSync(file, tmp);
    renameSync(tmp, link); // atomic replace: concurrent processes may race here harmlessly
  }
  return { langPath: dir, gzip: true, languages };
}

// ---------------------------------------------------------------------------------------------------------------
// Geometry helpers for deskewed results

type Box = { x0: number; y0: number; x1: number; y1: number };

/** Maps a box from tesseract's rotated frame (rotated by `theta` about the centre, same size) back to the input image. */
export function unrotateBox(b: Box, theta: number, width: number, height: number): Box {
  if (theta === 0) return b;
  const cx = width / 2;
  const cy = height / 2;
  const cos = Math.cos(-theta);
  const sin = Math.sin(-theta);
  const xs: number[] = [];
  const ys: number[] = [];
  for (const [x, y] of [
    [b.x0, b.y0],
    [b.x1, b.y0],
    [b.x0, b.y1],
    [b.x1, b.y1],
  ] as const) {
    const dx = x - cx;
    const dy = y - cy;
    xs.push(cx + dx * cos - dy * sin);
    ys.push(cy + dx * sin + dy * cos);
  }
  const clamp = (v: number, max: number) => Math.min(Math.max(Math.round(v), 0), max);
  return {
    x0: clamp(Math.min(...xs), width),
    y0: clamp(Math.min(...ys), height),
    x1: clamp(Math.max(...xs), width),
    y1: clamp(Math.max(...ys), height),
  };
}

/**
 * Rotates the one-page text PDF (made by tesseract on the deskewed image) back by `theta` about the page centre,
 * so its text sits over the original, unrotated image. Deterministic bytes.
 */
export async function unrotateTextPdf(textPdf: Uint8Array, theta: number): Promise<Uint8Array> {
  if (theta === 0) return textPdf;
  const out = await PDFDocument.create({ updateMetadata: false });
  const [embedded] = await out.embedPdf(textPdf, [0]);
  if (!embedded) throw new OcrError('tesseract text PDF has no page');
  const { width, height } = embedded;
  const page = out.addPage([width, height]);
  // Image frame (y down) rotation by -theta == PDF frame (y up) rotation by +theta.
  const phi = theta;
  const cx = width / 2;
  const cy = height / 2;
  const x = cx - (cx * Math.cos(phi) - cy * Math.sin(phi));
  const y = cy - (cx * Math.sin(phi) + cy * Math.cos(phi));
  page.drawPage(embedded, { x, y, width, height, rotate: radians(phi) });
  return out.save({ useObjectStreams: false, addDefaultPage: false, updateFieldAppearances: false });
}

// ---------------------------------------------------------------------------------------------------------------
// The pool

type TWorker = Tesseract.Worker & { worker?: ThreadWorker; id?: string };

interface Slot {
  index: number;
  worker?: TWorker;
  creating?: Promise<TWorker>;
  pages: number;
  busy: boolean;
  /** Rejects the page running on this slot (set while busy). */
  abort?: (err: Error) => void;
}

interface Job {
  image: Buffer;
  opts: OcrOptions;
  resolve: (r: TesseractPageResult) => void;
  reject: (e: unknown) => void;
}

const DIRECT_FORMATS = new Set(['png', 'jpeg', 'bmp', 'pnm', 'tiff']);

export class TesseractEngine implements OcrEngine {
  private readonly slots: Slot[];
  private readonly queue: Job[] = [];
  private readonly lang: ResolvedLangData;
  private readonly logger: Logger;
  private readonly pageTimeoutMs: number;
  private readonly createTimeoutMs: number;
  private readonly recycleAfterPages: number;
  private readonly psm: number;
  private readonly deskew: boolean;
  private closed = false;
  private readonly counters = { pages: 0, failed: 0, timeouts: 0, crashes: 0, workersCreated: 0, recycled: 0 };

  constructor(opts: TesseractEngineOptions) {
    if (!Number.isInteger(opts.workers) || opts.workers < 1) {
      throw new OcrConfigError(`workers must be a positive integer, got ${opts.workers}`);
    }
    this.lang = resolveLangData(opts.languages ?? 'ita', opts);
    this.logger = (opts.logger ?? silentLogger).child({ component: 'ocr.tesseract' });
    this.pageTimeoutMs = opts.pageTimeoutMs ?? 120_000;
    this.createTimeoutMs = opts.createTimeoutMs ?? 60_000;
    this.recycleAfterPages = Math.max(1, opts.recycleAfterPages ?? 200);
    this.psm = opts.psm ?? 3;
    this.deskew = opts.deskew ?? true;
    this.slots = Array.from({ length: opts.workers }, (_, index) => ({ index, pages: 0, busy: false }));
    if (opts.eager) for (const slot of this.slots) this.precreate(slot);
  }

  get languages(): string {
    return this.lang.languages;
  }

  /** Pages waiting for a worker (not counting the ones being recognised). */
  get queueLength(): number {
    return this.queue.length;
  }

  /** Counters since creation, for monitoring and tests. */
  get stats(): Readonly<{
    pages: number;
    failed: number;
    timeouts: number;
    crashes: number;
    workersCreated: number;
    recycled: number;
    busy: number;
    queued: number;
  }> {
    return { ...this.counters, busy: this.slots.filter((s) => s.busy).length, queued: this.queue.length };
  }

  recognise(image: Buffer, opts: OcrOptions = {}): Promise<TesseractPageResult> {
    if (this.closed) return Promise.reject(new OcrEngineClosedError());
    return new Promise<TesseractPageResult>((resolve, reject) => {
      this.queue.push({ image, opts, resolve, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const err = new OcrEngineClosedError();
    for (const job of this.queue.splice(0)) job.reject(err);
    await Promise.all(
      this.slots.map(async (slot) => {
        slot.abort?.(err);
        const creating = slot.creating;
        slot.creating = undefined;
        // a worker still being created terminates itself once it exists (see precreate)
        if (creating) await creating.catch(() => undefined);
        if (slot.worker) await this.retire(slot, 'close');
      }),
    );
  }

  // -------------------------------------------------------------------------------------------------------------

  private pump(): void {
    while (!this.closed && this.queue.length > 0) {
      const slot = this.slots.find((s) => !s.busy);
      if (!slot) return;
      const job = this.queue.shift()!;
      slot.busy = true;
      void this.run(slot, job).finally(() => {
        slot.busy = false;
        slot.abort = undefined;
        this.pump();
      });
    }
  }

  private async run(slot: Slot, job: Job): Promise<void> {
    const started = Date.now();
    let settled = false;
    const settle = (fn: () => void) => {
      if (!settled) {
        settled = true;
        fn();
      }
    };
    try {
      const dpi = job.opts.dpi ?? 300;
      if (!(dpi > 0 && dpi < 10_000)) throw new OcrError(`invalid dpi ${dpi}`);
      const { image, width, height } = await normaliseInput(job.image);
      const worker = await this.getWorker(slot);
      if (this.closed) throw new OcrEngineClosedError();

      const ocrStarted = Date.now();
      const data = await new Promise<Tesseract.Page>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.logger.warn({ worker: slot.index, timeoutMs: this.pageTimeoutMs }, 'OCR page timeout: replacing worker');
          this.counters.timeouts += 1;
          reject(new OcrTimeoutError(this.pageTimeoutMs));
          void this.retire(slot, 'timeout').then(() => this.precreate(slot));
        }, this.pageTimeoutMs);
        slot.abort = (e) => {
          if (e instanceof OcrWorkerCrashedError) this.counters.crashes += 1;
          clearTimeout(timer);
          reject(e);
        };
        worker
          .recognize(
            image,
            {
              rotateAuto: this.deskew,
              pdfTextOnly: true,
              pdfTitle: '',
              // tesseract passes unknown keys through as parameters; this one sizes the PDF page and guides layout.
              user_defined_dpi: String(Math.round(dpi)),
            } as Partial<Tesseract.RecognizeOptions>,
            { text: true, blocks: true, pdf: true },
          )
          .then(
            (r) => {
              clearTimeout(timer);
              resolve(r.data);
            },
            (e: unknown) => {
              clearTimeout(timer);
              reject(new OcrError(`tesseract failed: ${String(e)}`, { cause: e }));
            },
          );
      });

      slot.pages += 1;
      const theta = data.rotateRadians ?? 0;
      const words: OcrWord[] = [];
      for (const block of data.blocks ?? []) {
        for (const para of block.paragraphs) {
          for (const line of para.lines) {
            for (const w of line.words) {
              if (!w.text.trim()) continue;
              words.push({
                text: w.text,
                confidence: w.confidence,
                bbox: unrotateBox(w.bbox, theta, width, height),
              });
            }
          }
        }
      }
      if (!data.pdf) throw new OcrError('tesseract returned no PDF');
      const textPdf = await unrotateTextPdf(Uint8Array.from(data.pdf), theta);
      this.counters.pages += 1;
      const confidence = words.length ? words.reduce((s, w) => s + w.confidence, 0) / words.length : 0;
      const result: TesseractPageResult = {
        text: data.text ?? '',
        confidence: Math.round(confidence * 100) / 100,
        words,
        textPdf,
        widthPx: width,
        heightPx: height,
        engine: {
          name: 'tesseract.js',
          version: `${TESSERACT_JS_VERSION} (tesseract ${data.version})`,
          languages: this.lang.languages,
        },
        durationMs: Date.now() - started,
        deskewRadians: theta,
      };
      this.logger.debug(
        { worker: slot.index, ms: Date.now() - ocrStarted, words: words.length, confidence: result.confidence },
        'OCR page done',
      );
      settle(() => job.resolve(result));
      if (slot.pages >= this.recycleAfterPages && !this.closed) {
        this.counters.recycled += 1;
        await this.retire(slot, 'recycle');
        this.precreate(slot);
      }
    } catch (err) {
      this.counters.failed += 1;
      settle(() => job.reject(err));
    }
  }

  /** The slot's worker, creating it if needed (with a time limit). */
  private async getWorker(slot: Slot): Promise<TWorker> {
    if (this.closed) throw new OcrEngineClosedError();
    if (slot.worker) return slot.worker;
    if (!slot.creating) this.precreate(slot);
    return slot.creating!;
  }

  /** Starts creating the slot's worker in the background (no-op if one exists or is being created). */
  private precreate(slot: Slot): void {
    if (this.closed || slot.worker || slot.creating) return;
    const p = this.createWorker(slot).then(
      async (w) => {
        if (slot.creating === p) slot.creating = undefined;
        if (this.closed) {
          await this.terminate(w);
          throw new OcrEngineClosedError();
        }
        slot.worker = w;
        slot.pages = 0;
        return w;
      },
      (err: unknown) => {
        if (slot.creating === p) slot.creating = undefined;
        throw err;
      },
    );
    slot.creating = p;
    p.catch(() => {}); // the failure is reported to the job awaiting it
  }

  private async createWorker(slot: Slot): Promise<TWorker> {
    const t0 = Date.now();
    let failEarly: ((e: Error) => void) | undefined;
    const failed = new Promise<never>((_, reject) => {
      failEarly = reject;
    });
    failed.catch(() => {});
    const creating = Tesseract.createWorker(
      this.lang.languages,
      Tesseract.OEM.LSTM_ONLY,
      {
        langPath: this.lang.langPath,
        gzip: this.lang.gzip,
        cacheMethod: 'none',
        // Without an errorHandler tesseract.js THROWS from its message listener (uncaught in our process).
        errorHandler: (e: unknown) => {
          this.logger.debug({ worker: slot.index, err: String(e) }, 'tesseract worker reported an error');
          failEarly?.(new OcrError(`tesseract worker failed to start: ${String(e)}`));
        },
      },
      // The ita traineddata asks for an 'ita.special-words' user-words file that does not exist: don't look for it.
      { user_words_suffix: '' } as unknown as Partial<Tesseract.InitOptions>,
    ) as Promise<TWorker>;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new OcrError(`creating a tesseract worker exceeded ${this.createTimeoutMs} ms`)),
        this.createTimeoutMs,
      );
    });
    try {
      const w = await Promise.race([creating, failed, timeout]);
      failEarly = undefined;
      // debug_file: tesseract's own chatter ("Detected 16 diacritics") would otherwise go to the process's stderr,
      // outside our JSON logs.
      await w.setParameters({
        tessedit_pageseg_mode: String(this.psm) as Tesseract.PSM,
        debug_file: '/dev/null',
      } as Partial<Tesseract.WorkerParams>);
      this.watchThread(slot, w);
      this.counters.workersCreated += 1;
      this.logger.debug({ worker: slot.index, ms: Date.now() - t0 }, 'tesseract worker created');
      return w;
    } catch (err) {
      // If the worker shows up after all, do not leak its thread.
      creating.then((w) => this.terminate(w)).catch(() => {});
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Rejects the running page promptly if the worker thread dies (WASM abort, OOM) instead of waiting for the timeout. */
  private watchThread(slot: Slot, w: TWorker): void {
    const thread = w.worker;
    if (!thread || typeof thread.on !== 'function') return;
    const onDeath = (what: string) => {
      if (slot.worker !== w) return; // retired on purpose
      this.logger.warn({ worker: slot.index, what }, 'tesseract worker thread died: replacing it');
      slot.worker = undefined;
      slot.abort?.(new OcrWorkerCrashedError(`tesseract worker thread died (${what})`));
      this.precreate(slot);
    };
    // A listener is needed anyway: an unhandled 'error' on a Worker would crash the process.
    thread.on('error', (e: Error) => onDeath(`error: ${e.message}`));
    thread.on('exit', (code: number) => onDeath(`exit ${code}`));
  }

  private async retire(slot: Slot, why: string): Promise<void> {
    const w = slot.worker;
    slot.worker = undefined;
    slot.pages = 0;
    if (!w) return;
    this.logger.debug({ worker: slot.index, why }, 'terminating tesseract worker');
    await this.terminate(w);
  }

  private async terminate(w: TWorker): Promise<void> {
    try {
      const thread = w.worker;
      await w.terminate(); // tesseract.js does not wait for the thread; do it ourselves
      if (thread && typeof thread.terminate === 'function') await thread.terminate();
    } catch (err) {
      this.logger.debug({ err: String(err) }, 'terminating tesseract worker failed');
    }
  }
}

export function createTesseractEngine(opts: TesseractEngineOptions): TesseractEngine {
  return new TesseractEngine(opts);
}

async function normaliseInput(input: Buffer): Promise<{ image: Buffer; width: number; height: number }> {
  const meta = await engineInputMetadata(input);
  const oriented = (meta.orientation ?? 1) >= 5;
  const width = oriented ? meta.height : meta.width;
  const height = oriented ? meta.width : meta.height;
  if (meta.format && DIRECT_FORMATS.has(meta.format) && (meta.pages ?? 1) <= 1) {
    return { image: input, width, height };
  }
  // Formats tesseract's leptonica may not read (webp, gif, heif, multi-page tiff...): hand it a PNG.
  return uprightPng(input);
}
