// The small committed fixture set (test/fixtures/samples): a fixed list of documents covering each format,
// multi-page TIFF and PDF, building and non-building protocol letters. Rewritten by `make-samples --fixtures`.
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../core/logger.ts';
import type { GroundTruth } from '../domain/ground-truth.ts';
import { randomPracticeCase } from './content.practice.ts';
import { generateSpecs, pickMunicipality, type CorpusOptions, type DocumentSpec } from './generate.ts';
import { hashSeed, Rng } from './random.ts';

export const FIXTURE_SEED = 20250314;

export const FIXTURE_DIR_RELATIVE = path.join('test', 'fixtures', 'samples');

/** Files the fixture writer owns in the fixture folder (others are left alone). */
const FIXTURE_FILE = /^(pe|pr)-\d{4}\.(tif|pdf|jpg|png|json)$|^corpus\.json$/;

export function fixtureSpecs(): DocumentSpec[] {
  const municipality = pickMunicipality(FIXTURE_SEED);
  // the two multi-page practice documents belong to one practice, so they share reference, applicant, address
  const practiceCase = randomPracticeCase(new Rng(hashSeed(FIXTURE_SEED, 'practice')), municipality, 'concessione_edilizia');
  const base = (id: string): Pick<DocumentSpec, 'id' | 'seed' | 'municipality'> => ({
    id,
    seed: hashSeed(FIXTURE_SEED, id),
    municipality,
  });
  return [
    // 2-page multi-page TIFF, bilevel CCITT G4
    { ...base('pe-0001'), kind: 'practice', practiceCase, documentType: 'relazione_tecnica', format: 'tiff', pages: 2, mode: 'bilevel', tiffCompression: 'ccittfax4' },
    // 2-page image-only PDF, grey JPEG pages
    { ...base('pe-0002'), kind: 'practice', practiceCase, documentType: 'domanda', format: 'pdf', pages: 2, mode: 'grey', jpegQuality: 75 },
    // single-page bilevel PNG: an old typed licence
    { ...base('pe-0003'), kind: 'practice', procedureType: 'licenza_edilizia', documentType: 'titolo_rilasciato', format: 'png', pages: 1, mode: 'bilevel' },
    // single-page JPEG protocol letter, building matter
    { ...base('pr-0001'), kind: 'protocol', letterKind: 'accesso_atti_edilizi', format: 'jpeg', mode: 'grey', jpegQuality: 80 },
    // single-page JPEG protocol letter, not building
    { ...base('pr-0002'), kind: 'protocol', letterKind: 'rimborso_tributi', format: 'jpeg', mode: 'grey', jpegQuality: 80 },
    // single-page bilevel TIFF protocol letter, not building
    { ...base('pr-0003'), kind: 'protocol', letterKind: 'segnalazione_buca_stradale', format: 'tiff', mode: 'bilevel', tiffCompression: 'ccittfax4' },
  ];
}

/** (Re)writes the fixture folder: removes the files it owns, then generates every fixture and corpus.json. */
export async function writeFixtures(
  outDir: string,
  opts: Pick<CorpusOptions, 'logger' | 'onProgress' | 'concurrency'> & { logger?: Logger } = {},
): Promise<GroundTruth[]> {
  const existing = await readdir(outDir).catch(() => [] as string[]);
  for (const name of existing) {
    if (FIXTURE_FILE.test(name)) await rm(path.join(outDir, name));
  }
  return generateSpecs(fixtureSpecs(), outDir, opts);
}
