// OCR evaluation over a folder of page images with sidecar ground truth (see ground-truth-text.ts): each image goes
// through the pipeline's page preparation and the chosen engine; CER and WER per page and in total. The total is
// edits over reference length summed over pages (a long page weighs more), not the mean of page rates.
import { readdir } from 'node:fs/promises';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { levenshtein, normaliseText, type NormaliseOptions } from './cer.ts';
import { readGroundTruth, type GroundTruthFormat } from './ground-truth-text.ts';
import type { OcrEngine } from './ocr-engine.ts';
import { preparePageImage } from './page-image.ts';

export const IMAGE_EXTENSIONS = ['.tif', '.tiff', '.png', '.jpg', '.jpeg'];

export interface PageEvaluation {
  file: string; // relative to the folder
  groundTruth: GroundTruthFormat;
  refChars: number;
  charEdits: number;
  refWords: number;
  wordEdits: number;
  cer: number;
  wer: number;
  confidence: number;
  ms: number;
  text: string;
}

export interface FolderEvaluation {
  pages: PageEvaluation[];
  /** Images without a ground-truth file, not evaluated. */
  skipped: string[];
  total: {
    pages: number;
    refChars: number;
    charEdits: number;
    refWords: number;
    wordEdits: number;
    cer: number;
    wer: number;
    ms: number;
  };
}

/** Edit counts of `actual` against `expected`, characters and words, after normalisation. */
export function editCounts(expected: string, actual: string, opts: NormaliseOptions = { foldPunctuation: true }) {
  const e = normaliseText(expected, opts);
  const a = normaliseText(actual, opts);
  const ew = e.split(' ').filter(Boolean);
  const aw = a.split(' ').filter(Boolean);
  const ec = Array.from(e);
  return {
    refChars: ec.length,
    charEdits: levenshtein(ec, Array.from(a)),
    refWords: ew.length,
    wordEdits: levenshtein(ew, aw),
  };
}

/** Image files of a folder (recursively), sorted, as paths relative to it. */
export async function listImages(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && IMAGE_EXTENSIONS.includes(path.extname(e.name).toLowerCase()))
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

export async function evaluateFolder(
  dir: string,
  engine: OcrEngine,
  opts: { concurrency?: number; onPage?: (p: PageEvaluation, done: number, total: number) => void } = {},
): Promise<FolderEvaluation> {
  const images = await listImages(dir);
  const skipped: string[] = [];
  const work: Array<{ file: string; gt: NonNullable<Awaited<ReturnType<typeof readGroundTruth>>> }> = [];
  for (const file of images) {
    const gt = await readGroundTruth(path.join(dir, file));
    if (gt) work.push({ file, gt });
    else skipped.push(file);
  }
  const pages: PageEvaluation[] = new Array(work.length);
  let next = 0;
  let done = 0;
  const runOne = async (): Promise<void> => {
    while (next < work.length) {
      const i = next++;
      const { file, gt } = work[i]!;
      const started = Date.now();
      const prepared = await preparePageImage(await readFile(path.join(dir, file)));
      const r = await engine.recognise(prepared.ocrImage, { dpi: prepared.dpi });
      const c = editCounts(gt.text, r.text);
      pages[i] = {
        file,
        groundTruth: gt.format,
        ...c,
        cer: c.refChars ? c.charEdits / c.refChars : 0,
        wer: c.refWords ? c.wordEdits / c.refWords : 0,
        confidence: r.confidence,
        ms: Date.now() - started,
        text: r.text,
      };
      opts.onPage?.(pages[i]!, ++done, work.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 1) }, runOne));
  const sum = (k: 'refChars' | 'charEdits' | 'refWords' | 'wordEdits' | 'ms') => pages.reduce((s, p) => s + p[k], 0);
  const refChars = sum('refChars');
  const refWords = sum('refWords');
  return {
    pages,
    skipped,
    total: {
      pages: pages.length,
      refChars,
      charEdits: sum('charEdits'),
      refWords,
      wordEdits: sum('wordEdits'),
      cer: refChars ? sum('charEdits') / refChars : 0,
      wer: refWords ? sum('wordEdits') / refWords : 0,
      ms: sum('ms'),
    },
  };
}
