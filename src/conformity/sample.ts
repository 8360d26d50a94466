// The verification sample: pages drawn at random, without repetition, from the pages of a batch's archived documents.
// Reproducible: the same seed and the same population give the same pages, so an auditor can redraw the sample.
import { createHash } from 'node:crypto';

export interface PopulationDocument {
  documentId: string;
  pages: number;
}

export interface SampleRequest {
  size?: number;
  percent?: number;
}

/** Number of pages to draw: `size`, or `percent` of the population rounded up (at least 1), capped at the population. */
export function sampleSize(population: number, req: SampleRequest): number {
  if (population <= 0) return 0;
  const wanted = req.size ?? Math.ceil((population * (req.percent ?? 0)) / 100);
  return Math.min(population, Math.max(1, wanted));
}

/** Deterministic integers in [0, bound) from SHA-256(seed, counter). */
function seededInts(seed: string): (bound: number) => number {
  let counter = 0;
  return (bound) => {
    const digest = createHash('sha256').update(`${seed}\u0000${counter++}`).digest();
    // 48 bits: far more than any page count, so the modulo bias is negligible.
    return digest.readUIntBE(0, 6) % bound;
  };
}

/**
 * Draws `size` distinct pages (Floyd's algorithm: memory proportional to the sample, not the population). Documents
 * are taken in the order given (callers pass them sorted by id); the result is in population order.
 */
export function drawSample(
  documents: readonly PopulationDocument[],
  size: number,
  seed: string,
): Array<{ documentId: string; page: number }> {
  const total = documents.reduce((n, d) => n + d.pages, 0);
  const k = Math.min(size, total);
  const next = seededInts(seed);
  const chosen = new Set<number>();
  for (let j = total - k; j < total; j++) {
    const t = next(j + 1);
    chosen.add(chosen.has(t) ? j : t);
  }
  const sorted = [...chosen].sort((a, b) => a - b);
  const out: Array<{ documentId: string; page: number }> = [];
  let docIndex = 0;
  let offset = 0; // population index of the current document's page 1
  for (const index of sorted) {
    while (index >= offset + documents[docIndex]!.pages) offset += documents[docIndex++]!.pages;
    out.push({ documentId: documents[docIndex]!.documentId, page: index - offset + 1 });
  }
  return out;
}
