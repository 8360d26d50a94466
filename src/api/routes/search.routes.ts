// Search: full text with page hits, filters and facets. References typed in `q` (practice, protocol, cadastral,
// address) become filters (query-understanding.ts); explicit query-string filters win over understood ones. The
// response carries what was understood as `understood: { text, filters, recognised }`.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { mergeFilters, understandQuery } from '../../index/query-understanding.ts';
import { redactSearchResult } from '../../index/field-access.ts';
import type { SearchFilters } from '../../index/search-index.ts';
import type { AppServices } from '../../workers/services.ts';
import { apiDoc } from '../openapi.ts';

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
        const { q, limit, offset, understand, sort, group, hitsPerGroup, ...explicit } = searchQuery.parse(req.query);
        const paging = { limit, offset, sort, group, hitsPerGroup };
        // Personal data (tax codes, birth data) only for the roles allowed to see it: enforced here, not in the UI.
        const role = req.user?.role;
        const explicitFilters: SearchFilters = explicit;
        if (understand === '0' || understand === 'false') {
          const result = await services.search.search({ q, filters: explicitFilters, ...paging });
          return { ...redactSearchResult(result, role), understood: { text: q, filters: {}, recognised: [] } };
        }
        const understood = understandQuery(q);
        const filters = mergeFilters(understood.filters, explicitFilters);
        const result = await services.search.search({ q: understood.text, filters, ...paging });
        return { ...redactSearchResult(result, role), understood };
      },
    );
  };
}
