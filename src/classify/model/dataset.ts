// Training rows for the model: from the generator's ground truth (corpus.json), from any CSV whose text and label
// columns are named by the caller, or generated on the fly (composeDocument, no rendering) with OCR-like noise.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { groundTruthSchema, type GroundTruth } from '../../domain/ground-truth.ts';
import { composeDocument, planCorpus } from '../../samples/generate.ts';
import { hashSeed, Rng } from '../../samples/random.ts';
import { ocrNoise } from './noise.ts';

export const TASKS = ['documentType', 'titolarioClass', 'office'] as const;
export type Task = (typeof TASKS)[number];

export function isTask(s: string): s is Task {
  return (TASKS as readonly string[]).includes(s);
}

export interface TrainingRow {
  text: string;
  label: string;
  /** Optional sub-population for reports (synthetic rows: "practice" or "protocol"). */
  group?: string;
  /** Weight of the row in the training loss (default 1): a person's correction counts more than a generated row. */
  weight?: number;
}

export function rowsFromGroundTruth(
  docs: readonly GroundTruth[],
  task: Task,
  noise?: { cer: number; seed: number },
  maxChars?: number,
): TrainingRow[] {
  return docs.map((gt) => {
    const full = gt.pages.map((p) => p.text).join('\n\f\n');
    const clean = maxChars && maxChars > 0 ? full.slice(0, maxChars) : full;
    const text =
      noise && noise.cer > 0 ? ocrNoise(clean, { cer: noise.cer, seed: hashSeed(noise.seed, gt.id) }) : clean;
    return { text, label: gt[task], group: gt.kind };
  });
}

/** Rows of a corpus.json written by the sample generator. */
export async function loadCorpusRows(
  file: string,
  task: Task,
  noise?: { cer: number; seed: number },
): Promise<TrainingRow[]> {
  const raw: unknown = JSON.parse(await readFile(file, 'utf8'));
  if (!Array.isArray(raw)) throw new Error(`${file}: expected a JSON array of ground-truth records`);
  return rowsFromGroundTruth(
    raw.map((r) => groundTruthSchema.parse(r)),
    task,
    noise,
  );
}

export interface CsvOptions {
  textCol: string;
  labelCol: string;
  /** Extra text columns appended to the text (e.g. a description beside the subject). */
  extraTextCols?: string[];
  /** Default: detected among , ; and tab from the header line. */
  delimiter?: string;
}

/** Rows of a CSV with a header line; rows with an empty text or label are skipped. */
export async function loadCsvRows(file: string, opts: CsvOptions): Promise<TrainingRow[]> {
  return parseCsvRows(await readFile(file, 'utf8'), opts, file);
}

export function parseCsvRows(content: string, opts: CsvOptions, name = 'CSV'): TrainingRow[] {
  const firstLine = content.slice(0, content.indexOf('\n') >>> 0);
  const delimiter = opts.delimiter ?? detectDelimiter(firstLine);
  const records: Record<string, string>[] = parse(content, {
    columns: true,
    delimiter,
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
    trim: true,
  });
  const header = records.length > 0 ? Object.keys(records[0]!) : [];
  for (const col of [opts.textCol, opts.labelCol, ...(opts.extraTextCols ?? [])]) {
    if (records.length > 0 && !header.includes(col)) {
      throw new Error(`${name}: no column "${col}" (columns: ${header.join(', ')})`);
    }
  }
  const rows: TrainingRow[] = [];
  for (const r of records) {
    const text = [r[opts.textCol], ...(opts.extraTextCols ?? []).map((c) => r[c])]
      .filter((s) => s && s.length > 0)
      .join('\n');
    const label = r[opts.labelCol] ?? '';
    if (text.length > 0 && label.length > 0) rows.push({ text, label });
  }
  return rows;
}

function detectDelimiter(line: string): string {
  const candidates = [',', ';', '\t'];
  let best = ',';
  let bestCount = -1;
  for (const d of candidates) {
    const n = line.split(d).length - 1;
    if (n > bestCount) ((best = d), (bestCount = n));
  }
  return best;
}

export interface SyntheticOptions {
  rows: number;
  seed: number;
  /** Share of protocol letters (the rest are practice documents); default 0.35. */
  protocolShare?: number;
  /** OCR noise CER (default 0.02; 0 for clean text). */
  cer?: number;
  /** Keep only the first N characters of each document (stress test: a header-only OCR); default all. */
  maxChars?: number;
}

/**
 * Ground truth of `rows` generated documents, composed without rendering. Built from blocks of 200 documents, each
 * planned with its own seed so that the set spans many municipalities and practices.
 */
export function syntheticGroundTruth(opts: Omit<SyntheticOptions, 'cer' | 'maxChars'>): GroundTruth[] {
  const share = opts.protocolShare ?? 0.35;
  const out: GroundTruth[] = [];
  const BLOCK = 200;
  for (let block = 0; out.length < opts.rows; block++) {
    const size = Math.min(BLOCK, opts.rows - out.length);
    const protocolLetters = Math.round(size * share);
    const specs = planCorpus({
      seed: hashSeed(opts.seed, 'block', block),
      practiceDocs: size - protocolLetters,
      protocolLetters,
    });
    for (const spec of specs) {
      const gt = composeDocument(spec).groundTruth;
      out.push({ ...gt, id: `b${block}-${gt.id}` });
    }
  }
  return out;
}

export function syntheticRows(task: Task, opts: SyntheticOptions): TrainingRow[] {
  return syntheticTaskRows([task], opts)[task]!;
}

/** syntheticRows for several tasks from one generated set (generation is the slow part). */
export function syntheticTaskRows<T extends Task>(
  tasks: readonly T[],
  opts: SyntheticOptions,
): Partial<Record<T, TrainingRow[]>> {
  const docs = syntheticGroundTruth(opts);
  const out: Partial<Record<T, TrainingRow[]>> = {};
  for (const task of tasks) {
    out[task] = rowsFromGroundTruth(
      docs,
      task,
      { cer: opts.cer ?? 0.02, seed: hashSeed(opts.seed, 'noise') },
      opts.maxChars,
    );
  }
  return out;
}

/**
 * SHA-256 of the rows in order (label, tab, text, NUL), to tell which data trained a model. A weight other than 1
 * is part of the data: it is hashed too (after the label, "*w"), so unweighted rows keep their earlier hash.
 */
export function trainingDataHash(rows: readonly TrainingRow[]): string {
  const h = createHash('sha256');
  for (const r of rows) {
    const w = r.weight !== undefined && r.weight !== 1 ? `*${r.weight}` : '';
    h.update(`${r.label}${w}\t${r.text}\0`);
  }
  return h.digest('hex');
}

/** Stratified split: about `fraction` of each label goes to `held`, the rest to `kept`. */
function groupByLabel<T extends { label: string }>(rows: readonly T[]): Map<string, T[]> {
  const byLabel = new Map<string, T[]>();
  for (const r of rows) {
    const list = byLabel.get(r.label);
    if (list) list.push(r);
    else byLabel.set(r.label, [r]);
  }
  return byLabel;
}

export function stratifiedSplit<T extends { label: string }>(
  rows: readonly T[],
  fraction: number,
  seed: number,
): { kept: T[]; held: T[] } {
  const byLabel = groupByLabel(rows);
  const rng = new Rng(seed);
  const kept: T[] = [];
  const held: T[] = [];
  for (const label of [...byLabel.keys()].sort()) {
    const list = rng.shuffle(byLabel.get(label)!);
    // A label with a single row stays in training: it cannot be learnt and evaluated at once.
    const nHeld = list.length < 2 ? 0 : Math.max(1, Math.round(list.length * fraction));
    held.push(...list.slice(0, nHeld));
    kept.push(...list.slice(nHeld));
  }
  return { kept: rng.shuffle(kept), held: rng.shuffle(held) };
}

/** k stratified folds: fold i is the test set of round i. */
export function stratifiedFolds<T extends { label: string }>(rows: readonly T[], k: number, seed: number): T[][] {
  const folds: T[][] = Array.from({ length: k }, () => []);
  const byLabel = groupByLabel(rows);
  const rng = new Rng(seed);
  let next = 0;
  for (const label of [...byLabel.keys()].sort()) {
    for (const r of rng.shuffle(byLabel.get(label)!)) folds[next++ % k]!.push(r);
  }
  return folds;
}
