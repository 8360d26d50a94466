// Search: full text with page hits, filters and facets. References typed in `q` (practice, protocol, cadastral,
// address) become filters (query-understanding.ts); explicit query-string filters win over understood ones. The
// response carries what was understood as `understood: { text, filters, recognised }`.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { mergeFilters, understandQuery } from '../../index/query-understanding.ts';
import type { SearchFilters } from '../../index/search-index.ts';
import type { AppServices } from '../../workers/services.ts';

const searchQuery = z.object({
  q: z.string().max(500).default(''),
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
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(10_000).default(0),
});

export function searchRoutes(services: AppServices): FastifyPluginAsync {
  return async (app) => {
    app.get('/search', async (req) => {
      const { q, limit, offset, understand, ...explicit } = searchQuery.parse(req.query);
      const explicitFilters: SearchFilters = explicit;
      if (understand === '0' || understand === 'false') {
        const result = await services.search.search({ q, filters: explicitFilters, limit, offset });
        return { ...result, understood: { text: q, filters: {}, recognised: [] } };
      }
      const understood = understandQuery(q);
      const filters = mergeFilters(understood.filters, explicitFilters);
      const result = await services.search.search({ q: understood.text, filters, limit, offset });
      return { ...result, understood };
    });
  };
}
