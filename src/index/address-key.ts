// Comparison key of an address, shared by the search adapters' address filters.
import { foldAccents } from './italian-text.ts';

/**
 * Lower case, accents folded, punctuation dropped, "3 / a" → "3/a".
 * "Piazza Garibaldi 3/A" and "piazza garibaldi 3/a" share a key; so do "Località Ca' Bianca" and "localita ca bianca".
 */
export function addressKey(address: string): string {
  return foldAccents(address)
    .replace(/\s*\/\s*/g, '/')
    .replace(/[^a-z0-9/]+/g, ' ')
    .trim();
}
