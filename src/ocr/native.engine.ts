// OcrEngine adapter over the native `tesseract` binary (Debian: tesseract-ocr + tesseract-ocr-ita), chosen with
// OCR_ENGINE=native. One child process per page, at most `processes` at once, each with OMP_THREAD_LIMIT=1 so that
// N processes use N cores (tesseract's OpenMP threads otherwise fight each other). One run writes three outputs:
// a text-only PDF page (textonly_pdf=1, sized from the image and --dpi), TSV (words, boxes, confidences) and plain
// text. Native tesseract keeps word boxes in the input image's frame even when it corrects skew internally, so the
// text layer lines up with the page image as it is.
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { silentLogger, type Logger } from '../core/logger.ts';
import {
  OcrConfigError,
  OcrEngineClosedError,
  OcrError,
  OcrTimeoutError,
  OcrWorkerCrashedError,
  type OcrEngine,
  type OcrOptions,
  type OcrPageResult,
  type OcrWord,
} from './ocr-engine.ts';
import { engineInputMetadata, uprightPng } from './engine-input.ts';

const execFileP = promisify(execFile);

export interface NativeEngineOptions {
  /** Pages recognised at once (one tesseract process each). */
  processes: number;
  /** Tesseract language codes joined with '+', default 'ita'. */
  languages?: string;
  /** The binary, default 'tesseract' on PATH. */
  binary?: string;
  /** Per-page limit; the process is killed past it. Default 120 s. */
  pageTimeoutMs?: number;
  /** Page segmentation mode, default 3 (fully automatic). */
  psm?: number;
  logger?: Logger;
}

export interface NativeTesseractInfo {
  version: string; // "5.3.0"
  languages: string[];
}

/** Version and installed languages of a tesseract binary, or null when it cannot be run. */
export async function probeNativeTesseract(binary = 'tesseract'): Promise<NativeTesseractInfo | null> {
  try {
    const v = await execFileP(binary, ['--version'], { timeout: 10_000 });
    const version = /tesseract\s+v?([\d.]+\S*)/i.exec(`${v.stdout}\n${v.stderr}`)?.[1] ?? 'unknown';
    const l = await execFileP(binary, ['--list-langs'], { timeout: 10_000 });
    const languages = `${l.stdout}`
      .split('\n')
      .slice(1)
      .map((s) => s.trim())
      .filter(Boolean);
    return { version, languages };
  } catch {
    return null;
  }
}

/** Words of tesseract's TSV output (level 5 rows with text). */
export function parseTesseractTsv(tsv: string): OcrWord[] {
  const words: OcrWord[] = [];
  for (const line of tsv.split('\n').slice(1)) {
    const cols = line.split('\t');
    if (cols.length < 12 || cols[0] !== '5') continue;
    const text = cols.slice(11).join('\t').trim();
    if (!text) continue;
    const [left, top, width, height] = cols.slice(6, 10).map(Number) as [number, number, number, number];
    const conf = Number(cols[10]);
    words.push({
      text,
      confidence: Number.isFinite(conf) ? Math.max(0, Math.min(100, conf)) : 0,
      bbox: { x0: left, y0: top, x1: left + width, y1: top + height },
    });
  }
  return words;
}

const DIRECT_FORMATS = new Set(['png', 'jpeg', 'tiff']);

export class NativeTesseractEngine implements OcrEngine {
  private readonly binary: string;
  private readonly languages: string;
  private readonly pageTimeoutMs: number;
  private readonly psm: number;
  private readonly logger: Logger;
  private readonly maxProcesses: number;
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly children = new Set<ReturnType<typeof spawn>>();
  private closed = false;
  private info?: Promise<NativeTesseractInfo>;

  constructor(opts: NativeEngineOptions) {
    if (!(opts.processes >= 1)) throw new OcrConfigError(`processes must be ≥ 1, got ${opts.processes}`);
    this.maxProcesses = Math.floor(opts.processes);
    this.binary = opts.binary ?? 'tesseract';
    this.languages = opts.languages ?? 'ita';
    if (!/^[A-Za-z_]+(\+[A-Za-z_]+)*$/.test(this.languages)) {
      throw new OcrConfigError(`invalid tesseract languages: ${JSON.stringify(this.languages)}`);
    }
    this.pageTimeoutMs = opts.pageTimeoutMs ?? 120_000;
    this.psm = opts.psm ?? 3;
    this.logger = opts.logger ?? silentLogger;
  }

  /** Checks once that the binary runs and has every language (OcrConfigError otherwise). */
  private check(): Promise<NativeTesseractInfo> {
    this.info ??= probeNativeTesseract(this.binary).then((info) => {
      if (!info)
        throw new OcrConfigError(`OCR_ENGINE=native but "${this.binary}" cannot be run: install tesseract-ocr`);
      const missing = this.languages.split('+').filter((l) => !info.languages.includes(l));
      if (missing.length) {
        throw new OcrConfigError(
          `native tesseract lacks language data ${missing.join(', ')}: install tesseract-ocr-${missing.join(' tesseract-ocr-')}`,
        );
      }
      return info;
    });
    return this.info;
  }

  async recognise(image: Buffer, opts: OcrOptions = {}): Promise<OcrPageResult> {
    if (this.closed) throw new OcrEngineClosedError();
    const dpi = opts.dpi ?? 300;
    if (!(dpi > 0 && dpi < 10_000)) throw new OcrError(`invalid dpi ${dpi}`);
    const info = await this.check();
    const input = await normaliseInput(image);
    await this.acquire();
    const started = Date.now();
    const dir = await mkdtemp(join(tmpdir(), 'faldone-tess-'));
    try {
      if (this.closed) throw new OcrEngineClosedError();
      const inFile = join(dir, `in.${input.ext}`);
      await writeFile(inFile, input.image);
      const outBase = join(dir, 'out');
      await this.run([
        inFile,
        outBase,
        '-l',
        this.languages,
        '--psm',
        String(this.psm),
        '--dpi',
        String(Math.round(dpi)),
        '-c',
        'textonly_pdf=1',
        'pdf',
        'tsv',
        'txt',
      ]);
      const [pdf, tsv, txt] = await Promise.all([
        readFile(`${outBase}.pdf`),
        readFile(`${outBase}.tsv`, 'utf8'),
        readFile(`${outBase}.txt`, 'utf8'),
      ]);
      const words = parseTesseractTsv(tsv);
      const confidence = words.length ? words.reduce((s, w) => s + w.confidence, 0) / words.length : 0;
      return {
        text: txt.replace(/\f/g, ''),
        confidence: Math.round(confidence * 100) / 100,
        words,
        textPdf: new Uint8Array(pdf),
        widthPx: input.width,
        heightPx: input.height,
        engine: { name: 'tesseract', version: info.version, languages: this.languages },
        durationMs: Date.now() - started,
      };
    } finally {
      this.release();
      await rm(dir, { recursive: true, force: true });
    }
  }

  private run(args: string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.binary, args, {
        env: { ...process.env, OMP_THREAD_LIMIT: '1' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      this.children.add(child);
      let stderr = '';
      let timedOut = false;
      child.stderr!.on('data', (d: Buffer) => {
        if (stderr.length < 4000) stderr += d.toString('utf8');
      });
      const timer = setTimeout(() => {
        timedOut = true;
        this.logger.warn({ timeoutMs: this.pageTimeoutMs }, 'native OCR page timeout: killing tesseract');
        child.kill('SIGKILL');
      }, this.pageTimeoutMs);
      child.on('error', (err) => {
        clearTimeout(timer);
        this.children.delete(child);
        reject(new OcrConfigError(`cannot run ${this.binary}: ${err.message}`, { cause: err }));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        this.children.delete(child);
        if (timedOut) return reject(new OcrTimeoutError(this.pageTimeoutMs));
        if (this.closed) return reject(new OcrEngineClosedError());
        if (signal)
          return reject(new OcrWorkerCrashedError(`tesseract killed by ${signal}: ${stderr.trim().slice(-300)}`));
        if (code !== 0) return reject(new OcrError(`tesseract exited with ${code}: ${stderr.trim().slice(-300)}`));
        resolve();
      });
    });
  }

  private acquire(): Promise<void> {
    if (this.running < this.maxProcesses) {
      this.running += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(() => resolve()));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running -= 1;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const child of this.children) child.kill('SIGKILL');
    for (const wake of this.waiting.splice(0)) wake();
  }
}

/** A file tesseract's leptonica reads: PNG/JPEG/single-page TIFF as they are, anything else as PNG. */
async function normaliseInput(input: Buffer): Promise<{ image: Buffer; ext: string; width: number; height: number }> {
  const meta = await engineInputMetadata(input);
  if ((meta.orientation ?? 1) === 1 && meta.format && DIRECT_FORMATS.has(meta.format) && (meta.pages ?? 1) <= 1) {
    return { image: input, ext: meta.format === 'jpeg' ? 'jpg' : meta.format, width: meta.width, height: meta.height };
  }
  return { ...(await uprightPng(input)), ext: 'png' };
}

export function createNativeEngine(opts: NativeEngineOptions): NativeTesseractEngine {
  return new NativeTesseractEngine(opts);
}
