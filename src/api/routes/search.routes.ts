// Search: full text with page hits, filters and facets. References typed in `q` (practice, protocol, cadastral,
// address) become filters (query-understanding.ts); explicit query-string filters win over understood ones. The
// response carries what was understood as `understood: { text, filters, recognised }`.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { mergeFilters, understandQuery } from '../../index/query-understanding.ts';
import { redactSearchResult } from '../../index/field-access.ts';
import type { SearchFilters, SearchResult } from '../../index/search-index.ts';
import type { AppServices } from '../../workers/services.ts';
import { requireUser } from '../../auth/auth-user.ts';
import { comuneName, type UnionSettings } from '../../tenancy/comuni.ts';
import { PAPER_STATE_LABELS, type InventoryRecord } from '../../paper/paper-store.ts';
import { apiDoc } from '../openapi.ts';

/** Paper practices (not yet digitised) shown beside the hits. */
const PAPER_HITS = 10;

const searchQuery = z.object({
  q: z
    .string()
    .max(500)
    .default('')
    .meta({ description: 'Testo da cercare; riferimenti (pratica, protocollo, catasto, indirizzo) diventano filtri' }),
  yearFrom: z.coerce.number().int().optional(),
  yearTo: z.coerce.number().int().optional(),
  practice: z.string().max(100).optional(),
  procedureType: z.string().max(100).optional(),
  documentType: z.string().max(100).optional(),
  titolarioClass: z.string().max(20).optional(),
  protocol: z.string().max(50).optional(),
  address: z.string().max(200).optional(),
  foglio: z.coerce.number().int().min(1).optional(),
  mappale: z.coerce.number().int().min(1).optional(),
  subalterno: z.coerce.number().int().min(1).optional(),
  comune: z
    .string()
    .max(400)
    .optional()
    .transform((v) =>
      v
        ? v
            .split(',')
            .map((c) => c.trim().toUpperCase())
            .filter(Boolean)
        : undefined,
    )
    .meta({ description: 'Codici dei Comuni, separati da virgole (assente: tutta l’unione)' }),
  /** `understand=0` searches `q` literally (no reference recognition). */
  understand: z.enum(['0', '1', 'false', 'true']).default('1'),
  sort: z.enum(['relevance', 'year_desc', 'year_asc']).default('relevance'),
  /** `group=practice`: results grouped by practice; limit and offset then count groups. */
  group: z.enum(['practice']).optional(),
  hitsPerGroup: z.coerce.number().int().min(1).max(20).default(3),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(10_000).default(0),
});

export function searchRoutes(services: AppServices): FastifyPluginAsync {
  return async (app) => {
    app.get(
      '/search',
      apiDoc({
        summary: 'Ricerca a testo pieno',
        description:
          'Risultati per pagina con frammenti (`<mark>` sui termini trovati), faccette e, in `understood`, i riferimenti ' +
          'riconosciuti nel testo. I filtri espliciti prevalgono su quelli riconosciuti.',
        tags: ['ricerca'],
        querystring: searchQuery,
      }),
      async (req) => {
        const { q, limit, offset, understand, sort, group, hitsPerGroup, comune, ...explicit } = searchQuery.parse(
          req.query,
        );
        // Tenancy in the index itself: restricted pages of Comuni the user does not act on are never matched.
        const paging = { limit, offset, sort, group, hitsPerGroup, scope: requireUser(req).scope };
        // Personal data (tax codes, birth data) only for the roles allowed to see it: enforced here, not in the UI.
        const role = req.user?.role;
        const explicitFilters: SearchFilters = { ...explicit, ...(comune ? { comuni: comune } : {}) };
        const union = services.config.union;
        if (understand === '0' || understand === 'false') {
          const result = await services.search.search({ q, filters: explicitFilters, ...paging });
          const paper = await paperMatches(services, q, explicitFilters);
          return {
            ...withComuneNames(redactSearchResult(result, role), union),
            paper,
            understood: { text: q, filters: {}, recognised: [] },
          };
        }
        const understood = understandQuery(q);
        const filters = mergeFilters(understood.filters, explicitFilters);
        const result = await services.search.search({ q: understood.text, filters, ...paging });
        const paper = await paperMatches(services, understood.text, filters);
        return { ...withComuneNames(redactSearchResult(result, role), union), paper, understood };
      },
    );
  };
}

function withComuneNames<R extends SearchResult>(result: R, union: UnionSettings): R {
  const named = <T extends { comune: string }>(x: T) => ({ ...x, comuneName: comuneName(union, x.comune) });
  return {
    ...result,
    hits: result.hits.map(named),
    ...(result.groups ? { groups: result.groups.map((g) => ({ ...named(g), hits: g.hits.map(named) })) } : {}),
  };
}

/** What the paper inventory holds for the query and filters that is not archived yet: practices still on paper. */
async function paperMatches(
  services: AppServices,
  text: string,
  filters: SearchFilters,
): Promise<{ total: number; records: Array<InventoryRecord & { comuneName: string; stateLabel: string }> }> {
  const f = {
    q: text.trim() || undefined,
    practiceKey: filters.practice,
    foglio: filters.foglio,
    mappale: filters.mappale,
    address: filters.address,
  };
  // Without a text or a reference there is nothing to look up: the inventory is not listed whole under the hits.
  if (!Object.values(f).some((v) => v !== undefined)) return { total: 0, records: [] };
  const year = filters.yearFrom !== undefined && filters.yearFrom === filters.yearTo ? filters.yearFrom : undefined;
  const { total, records } = await services.paper.searchInventory({
    ...f,
    year,
    comuni: filters.comuni?.length ? filters.comuni : undefined,
    state: ['paper', 'requested', 'scanned'],
    limit: PAPER_HITS,
  });
  const union = services.config.union;
  return {
    total,
    records: records.map((r) => ({
      ...r,
      comuneName: comuneName(union, r.comune),
      stateLabel: PAPER_STATE_LABELS[r.state],
    })),
  };
}
