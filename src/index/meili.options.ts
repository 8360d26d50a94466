// Settings of the Meilisearch SearchIndex adapter (config `search.meili`, env MEILI_URL / MEILI_API_KEY / MEILI_INDEX),
// validated with zod.
import { z } from 'zod';

const int = z.coerce.number().int();

export const meiliOptionsSchema = z.object({
  /** e.g. http://meilisearch:7700 */
  url: z.url(),
  /** A key with search, documents.*, indexes.*, settings.* and tasks.get rights (or the master key). */
  apiKey: z.string().min(1).optional(),
  /** Index uid; one Meilisearch document per page. */
  index: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,400}$/, 'an index uid is letters, digits, - and _')
    .default('faldone_pages'),
  timeoutMs: int.min(100).default(10_000),
  taskTimeoutMs: int.min(1000).default(120_000),
  /** Meilisearch `pagination.maxTotalHits`: matches reachable by paging and counted exactly; beyond it results are
   *  flagged approximate. Higher values make very common words slower. */
  maxTotalHits: int.min(1).max(1_000_000).default(10_000),
  /** Meilisearch `faceting.maxValuesPerFacet`. */
  maxFacetValues: int.min(1).max(10_000).default(100),
});

export type MeiliOptionsInput = z.input<typeof meiliOptionsSchema>;
export type MeiliOptions = z.output<typeof meiliOptionsSchema>;

export function parseMeiliOptions(input: unknown): MeiliOptions {
  const r = meiliOptionsSchema.safeParse(input ?? {});
  if (!r.success) {
    throw new Error(
      `invalid configuration: ${r.error.issues.map((i) => `search.meili.${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return r.data;
}
