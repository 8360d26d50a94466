// Learning from the records managers: their decisions become training rows, a retrain trains a candidate and
// promotes it only if it is not worse than the current model on the same held-out rows, and any earlier version can
// be made current again. Real SQLite and filesystem store; the scheduled and on-demand paths run on the real Redis.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/server.ts';
import {
  decisionRows,
  isHeldOutDocument,
  loadDecisions,
  type Decision,
} from '../../src/classify/learning/training-corrections.ts';
import { retrain, type RetrainOptions } from '../../src/classify/learning/retrain.ts';
import { predict } from '../../src/classify/model/classifier.ts';
import { syntheticGroundTruth, syntheticTaskRows, type TrainingRow } from '../../src/classify/model/dataset.ts';
import { ModelStore } from '../../src/classify/model/model.store.ts';
import { loadReferenceData } from '../../src/classify/reference-data.ts';
import { classifyDocument } from '../../src/classify/rules.classifier.ts';
import { CurrentModels, currentModelsFor, decideRouting } from '../../src/classify/routing.ts';
import type { MetadataStore, RoutingAssignment } from '../../src/db/metadata-store.ts';
import { SqliteMetadataStore } from '../../src/db/sqlite.metadata.ts';
import { FsObjectStore } from '../../src/store/fs.store.ts';
import { keys, PACKAGE_FILES } from '../../src/store/keys.ts';
import type { ObjectStore } from '../../src/store/object-store.ts';
import { MaintenanceRunner } from '../../src/workers/maintenance.runner.ts';
import { createWorld, type World } from '../helpers/pipeline-world.ts';
import { makeTmpDir } from '../helpers/tmp-dir.ts';
import { bearerUser } from '../helpers/auth.ts';

const ref = loadReferenceData();
const SLOW = 300_000; // the machine is shared: training a few hundred rows takes seconds, more under load

// A kind of letter the generated corpus does not have: requests for the municipality's patronage and coat of arms.
const NAMES = ['Mario Rossi', 'Giulia Bianchi', 'Luca Verdi', 'Anna Neri', 'Paolo Gallo', 'Sara Conti', 'Marco Greco'];
const EVENTS = [
  'la sagra del tortellino',
  'il concerto di Natale in piazza',
  'la festa patronale',
  'la mostra fotografica',
  'il torneo di bocce',
  'la corsa podistica',
  "il mercatino dell'antiquariato",
];
const patronageLetter = (i: number): string =>
  `Al Sindaco del Comune\nOGGETTO: richiesta di patrocinio gratuito e uso dello stemma comunale per ${EVENTS[i % EVENTS.length]}\n` +
  `Il sottoscritto ${NAMES[i % NAMES.length]}, presidente della Pro Loco, chiede la concessione del patrocinio gratuito ` +
  `del Comune e l'autorizzazione all'uso dello stemma comunale sul materiale promozionale della manifestazione ` +
  `${EVENTS[(i * 3) % EVENTS.length]} che si terrà il ${1 + (i % 27)} maggio ${2020 + (i % 6)}.\nDistinti saluti.`;
const PERSON_SAYS: RoutingAssignment = { titolarioClass: 'I.5', office: 'segreteria' }; // stemma, gonfalone, sigillo

interface Side {
  db: MetadataStore;
  store: ObjectStore;
}

const batchIds = new WeakMap<MetadataStore, string>();

/** A document with its OCR text, the system's suggestion and a person's decision on it (null: still pending). */
async function decide(
  side: Side,
  text: string,
  suggested: RoutingAssignment,
  decided: RoutingAssignment | null,
  opts: { archived?: boolean; workText?: string } = {},
): Promise<string> {
  const { db, store } = side;
  let batchId = batchIds.get(db);
  if (!batchId) batchIds.set(db, (batchId = (await db.createBatch({ label: 'lettere', source: 'test' })).id));
  const sha = createHash('sha256').update(text).digest('hex');
  await db.createDocument({
    id: sha,
    sha256: sha,
    batchId,
    filename: `${sha.slice(0, 8)}.pdf`,
    mediaType: 'application/pdf',
    size: text.length,
  });
  const record = (t: string) => Buffer.from(JSON.stringify({ documentId: sha, pages: [{ page: 1, text: t }] }));
  if (opts.archived) {
    const archiveKey = keys.archive(2026, sha);
    await store.put(`${archiveKey}/${PACKAGE_FILES.text}`, record(text));
    await db.updateDocument(sha, { archiveKey });
  }
  if (!opts.archived || opts.workText) await store.put(keys.workText(sha), record(opts.workText ?? text));
  await db.putRoutingSuggestion({
    documentId: sha,
    state: 'pending',
    suggested,
    confidence: 0.6,
    threshold: 0.9,
    decidedBy: 'model:test',
    reasons: [],
  });
  if (!decided) return sha;
  const same = suggested.titolarioClass === decided.titolarioClass && suggested.office === decided.office;
  await db.decideRoutingReview({
    documentId: sha,
    state: same ? 'accepted' : 'corrected',
    current: decided,
    reviewer: 'mrossi',
  });
  return sha;
}

async function openSide(dir: string): Promise<Side> {
  return {
    db: new SqliteMetadataStore(path.join(dir, 'faldone.db')),
    store: new FsObjectStore(path.join(dir, 'store')),
  };
}

let tmp: Awaited<ReturnType<typeof makeTmpDir>>;
let base: Partial<Record<'titolarioClass' | 'office', TrainingRow[]>>;
let options: RetrainOptions;

beforeAll(async () => {
  tmp = await makeTmpDir('faldone-retrain-');
  base = syntheticTaskRows(['titolarioClass', 'office'], { rows: 400, seed: 3 });
  options = {
    base: { synthetic: 0, seed: 1 },
    baseRows: base,
    holdout: 0.2,
    correctionWeight: 3,
    epochs: 3,
    actor: 'mrossi',
    trigger: 'test',
  };
}, SLOW);
afterAll(() => tmp?.cleanup());

describe('decisions as training rows', () => {
  let side: Side;
  beforeAll(async () => {
    side = await openSide(path.join(tmp.dir, 'rows'));
  });
  afterAll(() => side.db.close());

  it('take the archived text, weigh a correction more for the task it changed, and skip pending reviews and documents without text', async () => {
    const archived = await decide(
      side,
      'Esposto per rumori molesti dal bar di via Roma',
      { titolarioClass: 'IX.4', office: 'polizia-locale' },
      { titolarioClass: 'IX.4', office: 'ambiente' },
      { archived: true, workText: 'testo provvisorio' },
    );
    const accepted = await decide(
      side,
      'Richiesta rimborso IMU 2019',
      { titolarioClass: 'IV.3', office: 'tributi' },
      { titolarioClass: 'IV.3', office: 'tributi' },
    );
    const lost = await decide(
      side,
      'Documento senza testo',
      { titolarioClass: 'I.1', office: 'segreteria' },
      { titolarioClass: 'I.6', office: 'segreteria' },
    );
    await side.store.delete(keys.workText(lost));
    await decide(
      side,
      'Domanda di permesso di costruire',
      { titolarioClass: 'VI.3', office: 'edilizia-privata' },
      null,
    );

    const { decisions, missingText } = await loadDecisions(side);
    expect(missingText).toEqual([lost]);
    expect(decisions.map((d) => d.documentId).sort()).toEqual([archived, accepted].sort());
    const noise = decisions.find((d) => d.documentId === archived)!;
    expect(noise.text).toBe('Esposto per rumori molesti dal bar di via Roma');

    // Corrected for its office only: an acceptance of its class.
    const cls = decisionRows([noise], 'titolarioClass', 3);
    const office = decisionRows([noise], 'office', 3);
    expect(cls).toEqual([{ text: noise.text, label: 'IX.4', group: 'accepted', weight: 1 }]);
    expect(office).toEqual([{ text: noise.text, label: 'ambiente', group: 'corrected', weight: 3 }]);
  });

  it('keep a fixed share of documents out of training, chosen by document id', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => createHash('sha256').update(`doc-${i}`).digest('hex'));
    const held = ids.filter((id) => isHeldOutDocument(id, 0.2));
    expect(held.length / ids.length).toBeGreaterThan(0.17);
    expect(held.length / ids.length).toBeLessThan(0.23);
    expect(ids.filter((id) => isHeldOutDocument(id, 0.2))).toEqual(held);
    const d: Decision = {
      documentId: 'x',
      text: 't',
      state: 'accepted',
      suggested: PERSON_SAYS,
      decided: PERSON_SAYS,
      reviewedAt: '',
    };
    expect(decisionRows([d], 'office', 3)[0]!.weight).toBe(1);
  });
});

describe('retraining with corrections', () => {
  let side: Side;
  let before: { titolarioClass: string; office: string };
  const probe = patronageLetter(100); // never seen in training

  beforeAll(async () => {
    side = await openSide(path.join(tmp.dir, 'learn'));
  });
  afterAll(() => side.db.close());

  it(
    'promotes the first models when they are not worse than the keyword rules',
    async () => {
      const report = await retrain({ ...side, reference: () => ref }, options);
      for (const t of report.tasks) {
        expect(t).toMatchObject({ outcome: 'promoted', version: 'v0001', previous: null, current: 'v0001' });
        expect(t.against).toMatchObject({ kind: 'rules' });
        expect(t.candidate!.macroF1).toBeGreaterThanOrEqual((t.against as { macroF1: number }).macroF1);
      }
      const models = new ModelStore(side.store);
      before = {
        titolarioClass: predict(await models.load('titolarioClass'), probe).label,
        office: predict(await models.load('office'), probe).label,
      };
      expect(before.titolarioClass).not.toBe(PERSON_SAYS.titolarioClass);
      expect(before.office).not.toBe(PERSON_SAYS.office);
    },
    SLOW,
  );

  it(
    'a few corrections of one kind of letter change the next model, which becomes current',
    async () => {
      const models = new ModelStore(side.store);
      const [cls, office] = [await models.load('titolarioClass'), await models.load('office')];
      for (let i = 0; i < 12; i++) {
        const text = patronageLetter(i);
        await decide(
          side,
          text,
          { titolarioClass: predict(cls, text).label, office: predict(office, text).label },
          PERSON_SAYS,
          { archived: i % 2 === 0 },
        );
      }
      const report = await retrain({ ...side, reference: () => ref }, options);
      expect(report.decisions).toMatchObject({ total: 12, corrected: 12, accepted: 0, missingText: 0 });
      for (const t of report.tasks) {
        expect(t).toMatchObject({ outcome: 'promoted', version: 'v0002', previous: 'v0001', current: 'v0002' });
        expect(t.against).toMatchObject({ kind: 'model', version: 'v0001' });
        expect(t.training.corrections + t.heldOut.decisions).toBe(12);
        expect(t.training.corrections).toBeGreaterThan(0);
      }
      const next = { cls: await models.load('titolarioClass'), office: await models.load('office') };
      expect(next.cls.version).toBe('v0002');
      expect(predict(next.cls, probe).label).toBe(PERSON_SAYS.titolarioClass);
      expect(predict(next.office, probe).label).toBe(PERSON_SAYS.office);
      expect(next.cls.training.dataHash).not.toBe(cls.training.dataHash);
      expect(next.cls.gate).toMatchObject({ decision: 'promoted', against: { kind: 'model', version: 'v0001' } });
      const events = (await side.db.listEvents({})).filter((e) => e.type === 'model.retrained');
      expect(events.map((e) => [e.actor, e.detail?.task, e.detail?.version])).toContainEqual([
        'mrossi',
        'titolarioClass',
        'v0002',
      ]);
    },
    SLOW,
  );

  it(
    'a rollback makes the earlier version current and routing uses it (after the cache TTL, or at once with ttl 0)',
    async () => {
      const models = new ModelStore(side.store);
      const cached = new CurrentModels(side.store); // default TTL: 30 s
      const route = async (m: CurrentModels) =>
        decideRouting(classifyDocument([probe], ref), await m.get(), probe, ref, 0.5);
      expect(await route(cached)).toMatchObject({
        titolarioClass: 'I.5',
        decidedBy: 'model:titolarioClass@v0002,office@v0002',
      });

      for (const task of ['titolarioClass', 'office'] as const)
        expect((await models.rollback(task)).version).toBe('v0001');
      const now = await route(new CurrentModels(side.store, 0));
      expect(now).toMatchObject({
        titolarioClass: before.titolarioClass,
        office: before.office,
        decidedBy: 'model:titolarioClass@v0001,office@v0001',
      });
      expect((await route(cached)).decidedBy).toContain('@v0002'); // still within its TTL
      cached.invalidate();
      expect((await route(cached)).decidedBy).toBe('model:titolarioClass@v0001,office@v0001');

      // Any earlier version, forward too.
      await models.rollback('titolarioClass', 'v0002');
      expect((await models.current('titolarioClass'))?.version).toBe('v0002');
      // A plain rollback pops the history; moving to a named version pushes the one it leaves.
      expect((await models.current('titolarioClass'))?.history.map((h) => h.version)).toEqual(['v0001']);
    },
    SLOW,
  );
});

describe('the promotion gate', () => {
  let side: Side;
  beforeAll(async () => {
    side = await openSide(path.join(tmp.dir, 'gate'));
  });
  afterAll(() => side.db.close());

  it(
    'rejects a candidate trained on wrong corrections and keeps the current model',
    async () => {
      const first = await retrain({ ...side }, options);
      expect(first.tasks.map((t) => [t.outcome, t.current])).toEqual([
        ['promoted', 'v0001'],
        ['promoted', 'v0001'],
      ]);
      expect(first.tasks[0]!.reason).toBe('first model'); // no reference data given: no rules baseline
      // A careless reviewer "corrects" 150 letters to some other class and office.
      const classes = [...new Set(base.titolarioClass!.map((r) => r.label))].sort();
      const offices = [...new Set(base.office!.map((r) => r.label))].sort();
      const wrong = (list: string[], right: string, k: number) =>
        list[(list.indexOf(right) + 1 + (k % (list.length - 1))) % list.length]!;
      let k = 0;
      for (const gt of syntheticGroundTruth({ rows: 150, seed: 9 })) {
        const text = gt.pages.map((p) => p.text).join('\n');
        await decide(
          side,
          text,
          { titolarioClass: gt.titolarioClass, office: gt.office },
          { titolarioClass: wrong(classes, gt.titolarioClass, k), office: wrong(offices, gt.office, k) },
        );
        k++;
      }
      const report = await retrain({ ...side }, options);
      for (const t of report.tasks) {
        expect(t).toMatchObject({ outcome: 'rejected', version: 'v0002', previous: 'v0001', current: 'v0001' });
        const against = t.against as { kind: 'model'; macroF1: number; accuracy: number };
        expect(against.kind).toBe('model');
        expect(t.candidate!.macroF1 < against.macroF1 || t.candidate!.accuracy < against.accuracy).toBe(true);
        expect(t.reason).toMatch(/^worse than current v0001: macro-F1 .* accuracy /);
      }
      const models = new ModelStore(side.store);
      expect((await models.current('titolarioClass'))?.version).toBe('v0001');
      const list = await models.list('titolarioClass');
      expect(list.map((m) => [m.version, m.current, m.gate?.decision])).toEqual([
        ['v0001', true, 'promoted'],
        ['v0002', false, 'rejected'],
      ]);
      const rejected = (await side.db.listEvents({})).filter((e) => e.type === 'model.rejected');
      expect(rejected.map((e) => e.detail?.task).sort()).toEqual(['office', 'titolarioClass']);
    },
    SLOW,
  );
});

describe('scheduled and on-demand retraining', () => {
  let world: World;
  let maintenance: MaintenanceRunner;
  let app: FastifyInstance;
  let USER: { authorization: string };

  beforeAll(async () => {
    world = await createWorld(
      { learning: { retrainAfter: 3, base: { synthetic: 200, seed: 5 }, epochs: 2 } },
      { workers: false },
    );
    maintenance = new MaintenanceRunner(world.services);
    maintenance.start();
    app = await buildServer(world.services);
    await app.ready();
    USER = (await bearerUser(world.services, 'admin', { username: 'mrossi' })).headers;
  }, SLOW);
  afterAll(async () => {
    await app?.close();
    await maintenance?.close();
    await world?.close();
  });

  it(
    'POST /models/retrain needs the acting user and answers with the report of the maintenance worker',
    async () => {
      const anonymous = await app.inject({ method: 'POST', url: '/api/models/retrain', payload: {} });
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.json().error.message).toBe('Accesso richiesto');

      const res = await app.inject({ method: 'POST', url: '/api/models/retrain', headers: USER, payload: {} });
      expect(res.statusCode).toBe(200);
      const { report } = res.json();
      expect(report).toMatchObject({ actor: 'mrossi', trigger: 'api' });
      expect(
        report.tasks.map((t: { task: string; outcome: string; current: string }) => [t.task, t.outcome, t.current]),
      ).toEqual([
        ['titolarioClass', 'promoted', 'v0001'],
        ['office', 'promoted', 'v0001'],
      ]);

      const list = (await app.inject({ method: 'GET', url: '/api/models', headers: USER })).json();
      expect(list.tasks.map((t: { task: string; current: string }) => [t.task, t.current])).toEqual([
        ['office', 'v0001'],
        ['titolarioClass', 'v0001'],
      ]);
      expect(list.tasks[0].versions[0]).toMatchObject({
        version: 'v0001',
        current: true,
        gate: { decision: 'promoted' },
      });
      expect(list.tasks[0].versions[0].macroF1).toBeGreaterThan(0);
    },
    SLOW,
  );

  it(
    'the scheduled check queues one retrain once enough decisions came after the newest model',
    async () => {
      const side = world.services;
      expect(await maintenance.run('retrain-check')).toMatchObject({
        due: false,
        decisions: 0,
        retrainAfter: 3,
        enqueued: null,
      });
      for (let i = 0; i < 3; i++) {
        await decide(side, patronageLetter(i), { titolarioClass: 'XI.2', office: 'servizi-demografici' }, PERSON_SAYS);
      }
      const first = (await maintenance.run('retrain-check')) as { due: boolean; decisions: number; enqueued: string };
      const second = (await maintenance.run('retrain-check')) as { enqueued: string };
      expect(first).toMatchObject({ due: true, decisions: 3 });
      expect(second.enqueued).toBe(first.enqueued); // the same retrain, not a second one

      const models = new ModelStore(side.store);
      const deadline = Date.now() + SLOW - 10_000;
      // The retrain saves each task's model, then records its outcome event: wait for both events, not only for the
      // last model (a CI run read the events between the office model's save and its event).
      const scheduled = async () => (await side.db.listEvents({})).filter((e) => e.detail?.trigger === 'schedule');
      while (((await models.versions('office')).length < 2 || (await scheduled()).length < 2) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 500));
      expect(await models.versions('titolarioClass')).toEqual(['v0001', 'v0002']);
      expect(await models.versions('office')).toEqual(['v0001', 'v0002']);
      const outcomes = await scheduled();
      expect(outcomes.map((e) => [e.actor, e.detail?.task]).sort()).toEqual([
        ['system', 'office'],
        ['system', 'titolarioClass'],
      ]);
      expect(await maintenance.run('retrain-check')).toMatchObject({ due: false, decisions: 0 });
    },
    SLOW,
  );

  it(
    'rollback and promote through the API name the user, and routing in this process follows at once',
    async () => {
      const routing = currentModelsFor(world.services.store); // the classify step's cache (30 s TTL)
      const versionOf = async () => (await routing.get()).titolarioClass?.version;
      const now = (await app.inject({ method: 'GET', url: '/api/models', headers: USER }))
        .json()
        .tasks.find((t: { task: string }) => t.task === 'titolarioClass').current;
      expect(await versionOf()).toBe(now);

      expect(
        (await app.inject({ method: 'POST', url: '/api/models/titolarioClass/rollback', payload: { to: 'v0001' } }))
          .statusCode,
      ).toBe(401);
      const back = await app.inject({
        method: 'POST',
        url: '/api/models/titolarioClass/rollback',
        headers: USER,
        payload: { to: 'v0001' },
      });
      expect(back.statusCode).toBe(200);
      expect(back.json()).toMatchObject({ task: 'titolarioClass', current: 'v0001', previous: now });
      expect(await versionOf()).toBe('v0001');

      const forward = await app.inject({
        method: 'POST',
        url: '/api/models/titolarioClass/promote',
        headers: USER,
        payload: { version: 'v0002' },
      });
      expect(forward.json()).toMatchObject({ current: 'v0002', previous: 'v0001' });
      expect(await versionOf()).toBe('v0002');

      const missing = await app.inject({
        method: 'POST',
        url: '/api/models/titolarioClass/promote',
        headers: USER,
        payload: { version: 'v0099' },
      });
      expect(missing.statusCode).toBe(404);
      const events = (await world.services.db.listEvents({})).filter(
        (e) => e.type === 'model.rolledBack' || e.type === 'model.promoted',
      );
      expect(events.map((e) => [e.type, e.actor, e.detail?.to])).toEqual([
        ['model.rolledBack', 'mrossi', 'v0001'],
        ['model.promoted', 'mrossi', 'v0002'],
      ]);
    },
    SLOW,
  );
});
