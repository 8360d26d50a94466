// Reference data for the UI's forms: offices, titolario classes and document types.
import type { FastifyPluginAsync } from 'fastify';
import { DOCUMENT_TYPES, DOCUMENT_TYPE_LABELS } from '../../domain/vocabulary.ts';
import type { AppServices } from '../../workers/services.ts';

export function referenceRoutes(services: AppServices): FastifyPluginAsync {
  return async (app) => {
    app.get('/reference', async () => {
      const ref = services.reference();
      return {
        offices: ref.offices.map((o) => ({ code: o.id, name: o.name, classes: o.classes })),
        titolario: [...ref.entries.values()].map((e) => ({ code: e.code, title: e.label, titolo: e.titoloLabel })),
        documentTypes: DOCUMENT_TYPES.map((code) => ({ code, label: DOCUMENT_TYPE_LABELS[code] })),
      };
    });
  };
}
