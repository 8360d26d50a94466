// A records manager's correction keeps a document within its Comune (real SQLite store), and the reference data of the
// UI offers each user the offices of the Comuni they act on.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Fastify from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { referenceRoutes } from '../../src/api/routes/reference.routes.ts';
import type { DocumentMetadata } from '../../src/classify/document-metadata.ts';
import { registerFromMetadata } from '../../src/classify/protocol-register.ts';
import { DEFAULT_CONFIG_DIR, buildReferenceData } from '../../src/classify/reference-data.ts';
import { ReviewValidationError } from '../../src/classify/review.errors.ts';
import { recordSuggestion, ReviewService } from '../../src/classify/review.service.ts';
import { loadConfig } from '../../src/core/config.ts';
import { SqliteMetadataStore } from '../../src/db/sqlite.metadata.ts';
import { actAs } from '../helpers/act-as.ts';
import { makeTmpDir } from '../helpers/tmp-dir.ts';

type Json = any; // the raw config files, edited by the tests
const raw = (file: string): Json => JSON.parse(readFileSync(path.join(DEFAULT_CONFIG_DIR, file), 'utf8'));
const LUGO = 'E730';
const BAGNACAVALLO = 'A547';

/** The shipped reference data with a building office and a secretariat per Comune; every other office shared. */
function unionReference() {
  const offices = raw('offices.json');
  offices.offices.find((o: Json) => o.id === 'edilizia-privata').comuni = [LUGO];
  offices.offices.find((o: Json) => o.id === 'segreteria').comuni = [LUGO];
  offices.offices.push(
    { id: 'edilizia-bagnacavallo', name: 'Edilizia privata – Bagnacavallo', classes: ['VI.3'], comuni: [BAGNACAVALLO] },
    { id: 'segreteria-bagnacavallo', name: 'Segreteria – Bagnacavallo', classes: ['XIV'], comuni: [BAGNACAVALLO] },
  );
  return buildReferenceData(
    { titolario: raw('titolario.json'), offices, rules: raw('classification-rules.json') },
    { comuni: [LUGO, BAGNACAVALLO] },
  );
}

const ref = unionReference();
const names: Record<string, string> = { [LUGO]: 'Lugo', [BAGNACAVALLO]: 'Bagnacavallo' };

describe('correcting the routing of a document of a Comune', () => {
  let tmp: Awaited<ReturnType<typeof makeTmpDir>>;
  let db: SqliteMetadataStore;
  let service: ReviewService;

  beforeEach(async () => {
    tmp = await makeTmpDir();
    db = new SqliteMetadataStore(path.join(tmp.dir, 'meta.db'));
    service = new ReviewService({ db, reference: ref, comuneName: (code) => names[code] ?? code });
  });
  afterEach(async () => {
    await db.close();
    await tmp.cleanup();
  });

  /** A document of `comune` classified to VI.3 / `office`, waiting for review. */
  async function classified(id: string, comune: string, office: string) {
    const batchId = (await db.createBatch({ label: `lotto ${comune}`, source: 'test', comune })).id;
    await db.createDocument({ id, sha256: id, batchId, filename: 'a.tif', mediaType: 'image/tiff', size: 1 });
    const m: DocumentMetadata = {
      documentType: 'lettera',
      documentTypeLabel: 'Lettera',
      confidence: 0.8,
      dates: [],
      titolarioClass: 'VI.3',
      office,
      personalData: false,
      reasons: [],
      classifier: 'rules@test',
      routing: { mode: 'review', confidence: 0.4, threshold: 0.9, decidedBy: 'rules', reasons: ['c=0.4'] },
    };
    await db.updateDocument(id, { classification: m, title: 'Lettera' });
    await registerFromMetadata(db, id, m);
    await recordSuggestion(db, id, m, ref);
    expect((await db.getDocument(id))?.comune).toBe(comune);
    return id;
  }

  it('refuses an office of another Comune with a 400 in Italian, and changes nothing', async () => {
    const id = await classified('a'.repeat(64), BAGNACAVALLO, 'edilizia-bagnacavallo');
    const err = await service.correct(id, { office: 'edilizia-privata' }, 'mrossi', 'ufficio sbagliato').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ReviewValidationError);
    expect(err).toMatchObject({
      statusCode: 400,
      code: 'INVALID_REQUEST',
      message: `L'ufficio "Sportello unico per l'edilizia – Edilizia privata" non opera per il Comune di Bagnacavallo, a cui appartiene il documento`,
    });
    expect(await db.getRoutingReview(id)).toMatchObject({
      state: 'pending',
      current: { office: 'edilizia-bagnacavallo' },
    });
    expect((await db.listEvents({ documentId: id })).filter((e) => e.type.startsWith('routing.'))).toEqual([]);
  });

  it("accepts an office of the document's Comune or a shared one", async () => {
    const lugo = await classified('b'.repeat(64), LUGO, 'segreteria');
    const own = await service.correct(lugo, { office: 'edilizia-privata' }, 'mrossi', 'edilizia di Lugo');
    expect(own.review).toMatchObject({ state: 'corrected', current: { office: 'edilizia-privata' } });
    expect(own.warnings).toEqual([]);

    const bagnacavallo = await classified('c'.repeat(64), BAGNACAVALLO, 'edilizia-bagnacavallo');
    const shared = await service.correct(bagnacavallo, { office: 'tributi' }, 'mrossi', 'è una questione di tributi');
    expect(shared.review.current.office).toBe('tributi');
    // The office serves Bagnacavallo but not class VI.3: allowed, with the usual warning.
    expect(shared.warnings).toEqual([expect.stringMatching(/non tratta la classe VI\.3/)]);
  });

  it('checks only an office being chosen: an older routing outside the Comune can still get an assignee', async () => {
    // Routed before Bagnacavallo had its own building office.
    const id = await classified('d'.repeat(64), BAGNACAVALLO, 'edilizia-privata');
    const r = await service.correct(id, { assignee: 'lbianchi' }, 'mrossi', 'assegnata a Laura');
    expect(r.review.current).toMatchObject({ office: 'edilizia-privata', assignee: 'lbianchi' });
    await expect(service.correct(id, { office: 'edilizia-privata' }, 'mrossi', 'confermo')).rejects.toThrow(
      /non opera per il Comune di Bagnacavallo/,
    );
  });
});

describe('GET /reference offers the offices of the Comuni the user acts on', () => {
  const config = loadConfig({ env: { COMUNI: 'E730=Lugo,A547=Bagnacavallo' } });

  async function officesFor(user: Parameters<typeof actAs>[1]) {
    const app = Fastify();
    actAs(app, user);
    await app.register(
      referenceRoutes({ reference: () => ref, config } as unknown as Parameters<typeof referenceRoutes>[0]),
    );
    try {
      const res = await app.inject({ method: 'GET', url: '/reference' });
      expect(res.statusCode).toBe(200);
      return (res.json() as { offices: Array<{ code: string; comuni: string[]; shared: boolean }> }).offices;
    } finally {
      await app.close();
    }
  }
  const codes = (offices: Array<{ code: string }>) => offices.map((o) => o.code);

  it('gives the staff of a Comune its own offices and the shared ones, each with its Comuni', async () => {
    const offices = await officesFor({ role: 'records_manager', comune: BAGNACAVALLO });
    expect(codes(offices)).toEqual(
      expect.arrayContaining(['edilizia-bagnacavallo', 'segreteria-bagnacavallo', 'tributi']),
    );
    expect(codes(offices)).not.toContain('edilizia-privata');
    expect(codes(offices)).not.toContain('segreteria');
    expect(offices.find((o) => o.code === 'edilizia-bagnacavallo')).toMatchObject({
      comuni: [BAGNACAVALLO],
      shared: false,
    });
    expect(offices.find((o) => o.code === 'tributi')).toMatchObject({ comuni: [LUGO, BAGNACAVALLO], shared: true });
  });

  it('gives union-level staff every office, and granted Comuni add their offices', async () => {
    expect(codes(await officesFor({ role: 'admin', comune: null }))).toEqual(ref.offices.map((o) => o.id));
    const granted = codes(await officesFor({ role: 'archivist', comune: LUGO, grantedComuni: [BAGNACAVALLO] }));
    expect(granted).toEqual(expect.arrayContaining(['edilizia-privata', 'edilizia-bagnacavallo']));
    const lugo = codes(await officesFor({ role: 'archivist', comune: LUGO }));
    expect(lugo).toContain('edilizia-privata');
    expect(lugo).not.toContain('edilizia-bagnacavallo');
  });
});
