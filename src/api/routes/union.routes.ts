// The union of Comuni the deployment serves: codes, names and which require access requests (for forms and labels).
import type { FastifyPluginAsync } from 'fastify';
import type { PolicyEntry } from '../access-policy.ts';
import type { AppServices } from '../../workers/services.ts';

export const UNION_POLICY: Readonly<Record<string, PolicyEntry>> = {
  'GET /api/union': { roles: 'authenticated' },
};

export function unionRoutes(services: AppServices): FastifyPluginAsync {
  const { union } = services.config;
  return async (app) => {
    app.get('/union', async () => ({
      name: union.name,
      defaultComune: union.defaultComune,
      accessDays: union.accessDays,
      comuni: union.comuni.map((c) => ({ code: c.code, name: c.name, requireAccessRequest: c.requireAccessRequest })),
    }));
  };
}
