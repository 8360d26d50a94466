// The soak corpus: about N pages of synthetic scans (documents of 1–2 pages; TIFF, PDF and JPEG), generated once per
// (seed, pages) under .tmp/soak-corpus-<seed>-<pages>/ and reused afterwards. soak-corpus.json lists every file with
// its SHA-256 and page count: the expected outcome the soak checks against.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { composeDocument, generateSpecs, planCorpus, type DocumentSpec } from '../../src/samples/generate.ts';
import { hashSeed, Rng } from '../../src/samples/random.ts';

export const SOAK_FORMATS = ['tiff', 'pdf', 'jpeg'] as const;

export interface CorpusFile {
  file: string; // name inside the corpus folder
  sha256: string;
  size: number;
  pages: number;
  format: string;
}

export interface SoakCorpus {
  dir: string;
  seed: number;
  requestedPages: number;
  files: CorpusFile[];
  pages: number;
  /** true when an existing corpus was reused. */
  reused: boolean;
  generatedMs: number;
}

interface Manifest {
  version: 1;
  seed: number;
  requestedPages: number;
  files: CorpusFile[];
}

async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/**
 * Documents adding up to at least `pages` pages: practice documents and protocol letters interleaved 3:2, each
 * asked for 1 or 2 pages (JPEG is always 1). The page count of each is the one its layout really has.
 */
export function planSoakDocuments(seed: number, pages: number): { spec: DocumentSpec; pages: number }[] {
  const estimate = Math.ceil(pages / 1.4) + 8;
  const plan = planCorpus({ seed, practiceDocs: estimate, protocolLetters: estimate, formats: SOAK_FORMATS });
  const practice = plan.filter((s) => s.kind === 'practice');
  const protocol = plan.filter((s) => s.kind === 'protocol');
  const rng = new Rng(hashSeed(seed, 'soak-pages'));
  const chosen: { spec: DocumentSpec; pages: number }[] = [];
  let total = 0;
  let i = 0;
  let j = 0;
  while (total < pages) {
    const fromPractice = (chosen.length % 5 < 3 && i < practice.length) || j >= protocol.length;
    const base = fromPractice ? practice[i++] : protocol[j++];
    if (!base) throw new Error('soak corpus plan exhausted (should not happen)');
    const spec: DocumentSpec = { ...base, pages: base.format === 'jpeg' ? 1 : rng.chance(0.5) ? 2 : 1 };
    const n = composeDocument(spec).layouts.length;
    chosen.push({ spec, pages: n });
    total += n;
  }
  return chosen;
}

export async function ensureSoakCorpus(opts: {
  seed: number;
  pages: number;
  root: string; // repository root; the corpus goes under <root>/.tmp/
  onProgress?: (done: number, total: number) => void;
}): Promise<SoakCorpus> {
  const dir = path.join(opts.root, '.tmp', `soak-corpus-${opts.seed}-${opts.pages}`);
  const manifestPath = path.join(dir, 'soak-corpus.json');
  const started = performance.now();
  if (existsSync(manifestPath)) {
    const m = JSON.parse(await readFile(manifestPath, 'utf8')) as Manifest;
    const intact = m.version === 1 && m.files.every((f) => existsSync(path.join(dir, f.file)) && statSync(path.join(dir, f.file)).size === f.size);
    if (intact) {
      return { dir, seed: m.seed, requestedPages: m.requestedPages, files: m.files, pages: sum(m.files), reused: true, generatedMs: 0 };
    }
  }
  // Generate into a side folder and rename it into place, so an interrupted run never leaves a half corpus behind.
  const partial = `${dir}.partial`;
  await rm(partial, { recursive: true, force: true });
  await rm(dir, { recursive: true, force: true });
  const planned = planSoakDocuments(opts.seed, opts.pages);
  const truths = await generateSpecs(
    planned.map((p) => p.spec),
    partial,
    { concurrency: 2, onProgress: (e) => opts.onProgress?.(e.done, e.total) },
  );
  const files: CorpusFile[] = [];
  for (const gt of truths) {
    const file = path.join(partial, gt.file);
    files.push({ file: gt.file, sha256: await sha256File(file), size: statSync(file).size, pages: gt.pages.length, format: gt.format });
  }
  const manifest: Manifest = { version: 1, seed: opts.seed, requestedPages: opts.pages, files };
  await writeFile(path.join(partial, 'soak-corpus.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(partial, dir);
  return { dir, seed: opts.seed, requestedPages: opts.pages, files, pages: sum(files), reused: false, generatedMs: performance.now() - started };
}

const sum = (files: CorpusFile[]) => files.reduce((a, f) => a + f.pages, 0);
