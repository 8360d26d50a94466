// The sample corpus generator: plans documents from a seed, composes their content and ground truth, renders
// pages as scans and writes each file with its ground-truth JSON. Same seed → byte-identical output.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { silentLogger, type Logger } from '../core/logger.ts';
import { groundTruthSchema, type GroundTruth } from '../domain/ground-truth.ts';
import type { DocumentType, ProcedureType } from '../domain/vocabulary.ts';
import { MUNICIPALITIES, type Municipality } from './content.data.ts';
import { datesInText, isoDate, LATEST_DATE } from './content.format.ts';
import type { DocumentContent } from './content.model.ts';
import {
  buildPracticeDocument,
  practiceDocumentTypes,
  randomPracticeCase,
  type PracticeCase,
} from './content.practice.ts';
import { buildProtocolLetter, PROTOCOL_LETTER_KINDS, type ProtocolLetterKind } from './content.protocol.ts';
import { fitContent, layoutDocument, type PageLayout } from './layout.page.ts';
import { hashSeed, Rng } from './random.ts';
import { pageSvg } from './render.page.ts';
import { applyNoise, randomScanLook, rasterise, type ImageMode, type ScanLook } from './scan-effects.ts';
import {
  encodePages,
  FORMAT_EXTENSION,
  SAMPLE_FORMATS,
  type SampleFormat,
  type TiffCompression,
} from './write-formats.ts';

export { SAMPLE_FORMATS, type SampleFormat } from './write-formats.ts';
export type { ProtocolLetterKind } from './content.protocol.ts';

/** Everything that decides one document. Unset choices are drawn from `seed`. */
export interface DocumentSpec {
  id: string; // "pe-0001"
  seed: number;
  kind: 'practice' | 'protocol';
  municipality: Municipality;
  format?: SampleFormat;
  pages?: number; // wanted page count (jpeg/png force 1)
  mode?: ImageMode;
  tiffCompression?: TiffCompression;
  jpegQuality?: number;
  documentType?: DocumentType; // practice documents
  procedureType?: ProcedureType; // practice documents
  practiceCase?: PracticeCase; // shared by the documents of one practice
  letterKind?: ProtocolLetterKind; // protocol letters
}

export interface ComposedDocument {
  /** The spec with every choice made. */
  spec: DocumentSpec & Required<Pick<DocumentSpec, 'format' | 'mode' | 'tiffCompression' | 'jpegQuality'>>;
  content: DocumentContent;
  layouts: PageLayout[];
  look: ScanLook;
  groundTruth: GroundTruth;
}

export interface RenderedDocument extends ComposedDocument {
  data: Buffer;
  renderMs: number;
}

const DEFAULT_FORMAT_WEIGHTS: Record<SampleFormat, number> = { tiff: 3, pdf: 3, jpeg: 2, png: 1 };

/** Content, layout and ground truth of a document, without rendering (cheap: use it to inspect or test). */
export function composeDocument(spec: DocumentSpec): ComposedDocument {
  const rng = new Rng(spec.seed);
  const choice = rng.fork('choices');
  const format = spec.format ?? choice.weighted(SAMPLE_FORMATS.map((f) => [f, DEFAULT_FORMAT_WEIGHTS[f]] as const));
  const singlePage = format === 'jpeg' || format === 'png';
  const contentRng = rng.fork('content');

  let content: DocumentContent;
  if (spec.kind === 'practice') {
    const practiceCase = spec.practiceCase ?? randomPracticeCase(contentRng.fork('case'), spec.municipality, spec.procedureType);
    const type = spec.documentType ?? choice.pick(practiceDocumentTypes(practiceCase.procedureType));
    const wanted = singlePage ? 1 : (spec.pages ?? defaultPages(choice, type));
    content = buildPracticeDocument(contentRng, practiceCase, type, { pages: wanted });
  } else {
    const wanted = singlePage ? 1 : (spec.pages ?? (choice.chance(0.2) ? 2 : 1));
    content = buildProtocolLetter(contentRng, spec.municipality, { kind: spec.letterKind, pages: wanted });
  }
  content = fitContent(content);
  const pagesNow = content.pages.length;
  if (singlePage && pagesNow !== 1) throw new Error(`${spec.id}: ${format} needs one page, content has ${pagesNow}`);

  const mode: ImageMode =
    spec.mode ?? (format === 'tiff' ? choice.weighted([['bilevel', 6], ['grey', 4]] as const) : format === 'png' ? choice.weighted([['bilevel', 7], ['grey', 3]] as const) : 'grey');
  const look = randomScanLook(rng.fork('look'), mode, content.year);
  const tiffCompression: TiffCompression =
    spec.tiffCompression ??
    (mode === 'grey'
      ? choice.weighted([['jpeg', 8], ['deflate', 1], ['lzw', 1]] as const)
      : choice.weighted([['ccittfax4', 8], ['lzw', 2]] as const));
  const jpegQuality = spec.jpegQuality ?? 80;
  const layouts = layoutDocument(content);
  const fileName = `${spec.id}.${FORMAT_EXTENSION[format]}`;
  const pageTexts = layouts.map((l) => ({ text: l.text }));
  const f = factsOnPaper(content.facts, pageTexts.map((p) => p.text).join('\n'));
  const groundTruth = groundTruthSchema.parse({
    id: spec.id,
    file: fileName,
    format,
    kind: f.kind,
    municipality: f.municipality,
    pages: pageTexts,
    documentType: f.documentType,
    procedureType: f.procedureType,
    practice: f.practice,
    protocol: f.protocol,
    dates: datesInText(pageTexts.map((p) => p.text).join('\n')),
    address: f.address,
    cadastral: f.cadastral,
    applicant: f.applicant,
    titolarioClass: f.titolarioClass,
    office: f.office,
  });
  return { spec: { ...spec, format, mode, tiffCompression, jpegQuality }, content, layouts, look, groundTruth };
}

/** Keeps only the facts the text really states (a fact dropped with an optional block must not be claimed). */
function factsOnPaper(facts: DocumentContent['facts'], text: string): DocumentContent['facts'] {
  const out = { ...facts };
  if (out.practice && !text.includes(`${out.practice.number}/${out.practice.year}`)) out.practice = undefined;
  if (out.applicant && !text.includes(out.applicant)) out.applicant = undefined;
  if (out.address && !(text.includes(out.address.street) && new RegExp(`\\b${escapeRegExp(out.address.civic)}\\b`).test(text))) {
    out.address = undefined;
  }
  if (out.cadastral && !(new RegExp(`\\b${out.cadastral.foglio}\\b`).test(text) && new RegExp(`\\b${out.cadastral.mappale}\\b`).test(text))) {
    out.cadastral = undefined;
  }
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function defaultPages(rng: Rng, type: DocumentType): number {
  switch (type) {
    case 'relazione_tecnica':
      return rng.weighted([[2, 3], [3, 1]] as const);
    case 'domanda':
    case 'titolo_rilasciato':
    case 'certificato_agibilita':
      return rng.chance(0.6) ? 2 : 1;
    default:
      return 1;
  }
}

/** Renders every page as a scan and encodes the file (no disk access). */
export async function renderDocument(spec: DocumentSpec, logger: Logger = silentLogger): Promise<RenderedDocument> {
  const t0 = performance.now();
  const composed = composeDocument(spec);
  const drawRng = new Rng(spec.seed).fork('draw');
  const pixels: Buffer[] = [];
  for (const [i, layout] of composed.layouts.entries()) {
    const svg = pageSvg(layout, composed.look, drawRng.fork('page', i), logger);
    const raster = await rasterise(svg, composed.look);
    pixels.push(await applyNoise(raster, composed.look, hashSeed(spec.seed, 'noise', i)));
  }
  const lastDate = composed.groundTruth.protocol?.date ?? `${composed.content.year}-06-30`;
  const data = await encodePages(composed.spec.format, pixels, {
    mode: composed.spec.mode,
    tiffCompression: composed.spec.tiffCompression,
    jpegQuality: composed.spec.jpegQuality,
    pdfDate: new Date(`${lastDate}T10:00:00Z`),
    title: spec.id,
  });
  return { ...composed, data, renderMs: performance.now() - t0 };
}

/** Renders the document and writes `<id>.<ext>` and `<id>.json` into outDir. */
export async function generateDocument(
  spec: DocumentSpec & { outDir: string },
  logger: Logger = silentLogger,
): Promise<RenderedDocument> {
  const doc = await renderDocument(spec, logger);
  await mkdir(spec.outDir, { recursive: true });
  await writeFile(path.join(spec.outDir, doc.groundTruth.file), doc.data);
  await writeFile(path.join(spec.outDir, `${doc.groundTruth.id}.json`), `${JSON.stringify(doc.groundTruth, null, 2)}\n`);
  return doc;
}

// ---- corpus -------------------------------------------------------------------------------------------------

export interface CorpusOptions {
  seed: number;
  outDir: string;
  practiceDocs: number;
  protocolLetters: number;
  /** Formats to draw from (default all four, weighted tiff 3 : pdf 3 : jpeg 2 : png 1). */
  formats?: readonly SampleFormat[];
  /** Municipality name of every document (default: one drawn from the seed). */
  municipality?: string;
  /** Documents rendered at once (default 2). */
  concurrency?: number;
  logger?: Logger;
  onProgress?: (event: { done: number; total: number; doc: RenderedDocument }) => void;
}

export function pickMunicipality(seed: number, name?: string): Municipality {
  if (name) {
    const known = MUNICIPALITIES.find((m) => m.name.toLowerCase() === name.toLowerCase());
    return known ?? { name, province: 'Padova', phonePrefix: '049' };
  }
  return new Rng(hashSeed(seed, 'municipality')).pick(MUNICIPALITIES);
}

/**
 * The documents of a corpus: practice documents grouped in practices (1–4 documents each, in chronological
 * order, sharing applicant, address and reference), then protocol letters cycling through every letter kind.
 */
export function planCorpus(opts: Omit<CorpusOptions, 'outDir'>): DocumentSpec[] {
  const municipality = pickMunicipality(opts.seed, opts.municipality);
  const plan = new Rng(hashSeed(opts.seed, 'plan'));
  const formats = opts.formats && opts.formats.length > 0 ? opts.formats : SAMPLE_FORMATS;
  const pickFormat = (): SampleFormat => plan.weighted(formats.map((f) => [f, DEFAULT_FORMAT_WEIGHTS[f]] as const));
  const specs: DocumentSpec[] = [];

  let practiceIndex = 0;
  while (specs.length < opts.practiceDocs) {
    const c = randomPracticeCase(plan.fork('practice', practiceIndex++), municipality);
    const types = practiceDocumentTypes(c.procedureType);
    const count = Math.min(plan.int(1, 4), opts.practiceDocs - specs.length);
    const chosen = types.filter((t) => t === 'domanda' && plan.chance(0.7));
    for (const t of plan.shuffle(types.filter((t) => !chosen.includes(t)))) {
      if (chosen.length >= count) break;
      chosen.push(t);
    }
    chosen.sort((a, b) => types.indexOf(a) - types.indexOf(b));
    for (const documentType of chosen) {
      const id = `pe-${String(specs.length + 1).padStart(4, '0')}`;
      specs.push({
        id,
        seed: hashSeed(opts.seed, id),
        kind: 'practice',
        municipality,
        format: pickFormat(),
        documentType,
        practiceCase: c,
      });
    }
  }
  const kinds = plan.shuffle(PROTOCOL_LETTER_KINDS);
  for (let i = 0; i < opts.protocolLetters; i++) {
    const id = `pr-${String(i + 1).padStart(4, '0')}`;
    specs.push({
      id,
      seed: hashSeed(opts.seed, id),
      kind: 'protocol',
      municipality,
      format: pickFormat(),
      letterKind: kinds[i % kinds.length],
    });
  }
  return specs;
}

/** Generates the corpus into outDir (files, one JSON each, and corpus.json listing every ground truth). */
export async function generateCorpus(opts: CorpusOptions): Promise<GroundTruth[]> {
  const specs = planCorpus(opts);
  return generateSpecs(specs, opts.outDir, opts);
}

export async function generateSpecs(
  specs: DocumentSpec[],
  outDir: string,
  opts: Pick<CorpusOptions, 'concurrency' | 'logger' | 'onProgress'> = {},
): Promise<GroundTruth[]> {
  await mkdir(outDir, { recursive: true });
  const results: GroundTruth[] = new Array(specs.length);
  let nextIndex = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = nextIndex++;
      const spec = specs[i];
      if (!spec) return;
      const doc = await generateDocument({ ...spec, outDir }, opts.logger);
      results[i] = doc.groundTruth;
      done++;
      opts.onProgress?.({ done, total: specs.length, doc });
    }
  };
  const concurrency = Math.max(1, opts.concurrency ?? 2);
  await Promise.all(Array.from({ length: Math.min(concurrency, specs.length) }, worker));
  await writeFile(path.join(outDir, 'corpus.json'), `${JSON.stringify(results, null, 2)}\n`);
  return results;
}

/** No generated date is later than this (ISO). */
export const LATEST_ISO_DATE = isoDate(LATEST_DATE);
