// Placeholder: routes of issue 11 (see /work/notes/issue11-spec.md).
import type { FastifyPluginAsync } from 'fastify';
import type { PolicyEntry } from '../access-policy.ts';
import type { AppServices } from '../../workers/services.ts';

/** Access-policy entries of these routes (spread into ACCESS_POLICY). */
export const INVENTORY_POLICY: Readonly<Record<string, PolicyEntry>> = {};

export function inventoryRoutes(_services: AppServices): FastifyPluginAsync {
  return async () => {};
}
