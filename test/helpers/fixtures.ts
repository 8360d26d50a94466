// The committed sample fixtures (test/fixtures/samples) with their ground truth.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { groundTruthSchema, type GroundTruth } from '../../src/domain/ground-truth.ts';
import { REPO_ROOT } from './pipeline-world.ts';

export const FIXTURE_DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'samples');

export function loadFixtures(): Array<GroundTruth & { path: string }> {
  const raw = JSON.parse(readFileSync(path.join(FIXTURE_DIR, 'corpus.json'), 'utf8')) as unknown[];
  return raw.map((r) => {
    const gt = groundTruthSchema.parse(r);
    return { ...gt, path: path.join(FIXTURE_DIR, gt.file) };
  });
}

/** The first fixture in a format; multi-page ones first when asked. */
export function fixture(format: GroundTruth['format'], opts: { multiPage?: boolean } = {}): GroundTruth & { path: string } {
  const found = loadFixtures().find((f) => f.format === format && (!opts.multiPage || f.pages.length > 1));
  if (!found) throw new Error(`no ${format} fixture${opts.multiPage ? ' with several pages' : ''}`);
  return found;
}

/** Words of a text, lower-cased, for comparisons that ignore layout. */
export const words = (s: string) => s.toLowerCase().split(/\s+/).filter(Boolean);
