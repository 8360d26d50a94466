// Search: full text with page hits, filters and facets.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
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
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(10_000).default(0),
});

export function searchRoutes(services: AppServices): FastifyPluginAsync {
  return async (app) => {
    app.get('/search', async (req) => {
      const { q, limit, offset, ...filters } = searchQuery.parse(req.query);
      return services.search.search({ q, filters, limit, offset });
    });
  };
}
