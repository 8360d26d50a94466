// Offices and routing rules of a union of Comuni: an office or rule may belong to some Comuni only; a document of a
// Comune is routed by that Comune's rules to that Comune's offices (also when a model prefers another), with the
// Comune's auto-routing threshold.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Classification } from '../../src/classify/classification.ts';
import { predict, trainClassifier } from '../../src/classify/model/classifier.ts';
import { syntheticGroundTruth, syntheticTaskRows } from '../../src/classify/model/dataset.ts';
import {
  DEFAULT_CONFIG_DIR,
  ReferenceDataError,
  buildReferenceData,
  loadReferenceData,
} from '../../src/classify/reference-data.ts';
import { classifyDocument } from '../../src/classify/rules.classifier.ts';
import {
  OUTSIDE_COMUNE_FACTOR,
  decideRouting,
  routingThresholds,
  thresholdFor,
  type RoutingModels,
} from '../../src/classify/routing.ts';
import { ConfigError, loadConfig } from '../../src/core/config.ts';
import { loadFixtures } from '../helpers/fixtures.ts';
import { makeTmpDir } from '../helpers/tmp-dir.ts';

type Json = any; // the raw config files, edited by the tests
const raw = (file: string): Json => JSON.parse(readFileSync(path.join(DEFAULT_CONFIG_DIR, file), 'utf8'));
const LUGO = 'E730';
const BAGNACAVALLO = 'A547';

/**
 * The shipped reference data made into a union of Lugo and Bagnacavallo: building practices go to each Comune's own
 * office (Lugo's keeps the id "edilizia-privata"), the secretariat is Lugo's with a small one for Bagnacavallo, the
 * tributi rule is Lugo's only; every other office is shared.
 */
function unionRaw() {
  const offices = raw('offices.json');
  const rules = raw('classification-rules.json');
  const edilizia = offices.offices.find((o: Json) => o.id === 'edilizia-privata');
  edilizia.comuni = ['e730']; // codes are case-insensitive, stored upper case
  offices.offices.push({
    id: 'edilizia-bagnacavallo',
    name: 'Edilizia privata – Bagnacavallo',
    classes: ['VI.3'],
    comuni: [BAGNACAVALLO],
  });
  offices.offices.find((o: Json) => o.id === 'segreteria').comuni = [LUGO];
  offices.offices.push({
    id: 'segreteria-bagnacavallo',
    name: 'Segreteria – Bagnacavallo',
    classes: ['XIV'],
    comuni: [BAGNACAVALLO],
  });
  const route = rules.routes.find((r: Json) => r.id === 'edilizia-privata');
  rules.routes.push({ ...route, id: 'edilizia-bagnacavallo', office: 'edilizia-bagnacavallo', comuni: [BAGNACAVALLO] });
  for (const b of rules.routeBoosts.filter((b: Json) => b.route === 'edilizia-privata'))
    rules.routeBoosts.push({ ...b, route: 'edilizia-bagnacavallo' });
  rules.routes.find((r: Json) => r.id === 'tributi').comuni = [LUGO];
  return { titolario: raw('titolario.json'), offices, rules };
}

function issuesOf(build: () => unknown): string {
  try {
    build();
  } catch (err) {
    expect(err).toBeInstanceOf(ReferenceDataError);
    return (err as ReferenceDataError).issues.join('\n');
  }
  throw new Error('expected a ReferenceDataError');
}

const ids = (list: Array<{ id: string }>) => list.map((o) => o.id);
const union = buildReferenceData(unionRaw(), { comuni: [LUGO, BAGNACAVALLO] });
const shipped = loadReferenceData();
const fixtures = loadFixtures();
const building = fixtures.find((f) => f.titolarioClass === 'VI.3' && f.kind === 'protocol')!;
const tributi = fixtures.find((f) => f.titolarioClass === 'IV.3')!;
const textOf = (f: { pages: Array<{ text: string }> }) => f.pages.map((p) => p.text).join('\n');

describe('offices and rules of a Comune', () => {
  it('keeps the shipped offices and rules shared by every Comune, as before the union', () => {
    expect(shipped.offices.every((o) => o.comuni === undefined)).toBe(true);
    expect(ids(shipped.officesFor(LUGO))).toEqual(ids(shipped.offices));
    expect(shipped.rulesFor(BAGNACAVALLO)).toEqual(shipped.rules.routes);
    expect(shipped.fallbackRouteFor(BAGNACAVALLO)).toEqual(shipped.rules.fallback.route);
  });

  it('offers a Comune its own offices and the shared ones, and only the rules for it', () => {
    expect(union.lookupOffice('edilizia-privata')?.comuni).toEqual([LUGO]);
    const lugo = ids(union.officesFor('e730'));
    const bagnacavallo = ids(union.officesFor(BAGNACAVALLO));
    expect(lugo).toContain('edilizia-privata');
    expect(lugo).not.toContain('edilizia-bagnacavallo');
    expect(bagnacavallo).toEqual(
      expect.arrayContaining(['edilizia-bagnacavallo', 'tributi', 'segreteria-bagnacavallo']),
    );
    expect(bagnacavallo).not.toContain('edilizia-privata');
    expect(bagnacavallo).not.toContain('segreteria');
    expect(ids(union.officesForClass('VI.3'))).toEqual(['edilizia-privata', 'edilizia-bagnacavallo']);
    expect(ids(union.officesForClass('VI.3', BAGNACAVALLO))).toEqual(['edilizia-bagnacavallo']);

    const rulesOf = (c: string) => union.rulesFor(c).map((r) => r.id);
    expect(rulesOf(LUGO)).toEqual(expect.arrayContaining(['edilizia-privata', 'tributi', 'affari-legali']));
    expect(rulesOf(LUGO)).not.toContain('edilizia-bagnacavallo');
    // Declared for Lugo (tributi), or leading to Lugo's secretariat (affari-legali): not for Bagnacavallo.
    expect(rulesOf(BAGNACAVALLO)).toContain('edilizia-bagnacavallo');
    for (const id of ['edilizia-privata', 'tributi', 'affari-legali']) expect(rulesOf(BAGNACAVALLO)).not.toContain(id);
    expect(union.fallbackRouteFor(LUGO)).toEqual({ titolarioClass: 'XIV', office: 'segreteria' });
    expect(union.fallbackRouteFor(BAGNACAVALLO)).toEqual({ titolarioClass: 'XIV', office: 'segreteria-bagnacavallo' });
  });

  it('refuses a malformed Comune code, a repeated office id and a rule for a Comune its office does not serve', () => {
    const bad = unionRaw();
    bad.offices.offices[0].comuni = ['Lugo centro'];
    expect(issuesOf(() => buildReferenceData(bad))).toMatch(
      /offices: offices\.0\.comuni\.0: codice del Comune non valido/,
    );

    const twice = unionRaw();
    twice.offices.offices.push({
      id: 'edilizia-privata',
      name: 'Edilizia – altro Comune',
      classes: ['VI.3'],
      comuni: ['H199'],
    });
    expect(issuesOf(() => buildReferenceData(twice))).toMatch(/offices: id "edilizia-privata" appears twice/);

    const wrong = unionRaw();
    wrong.rules.routes.find((r: Json) => r.id === 'edilizia-bagnacavallo').comuni = [LUGO];
    expect(issuesOf(() => buildReferenceData(wrong))).toMatch(
      /route edilizia-bagnacavallo: office edilizia-bagnacavallo does not serve Comune E730/,
    );
  });

  it("checks against the union's Comuni: no stranger, and a fallback office for each", () => {
    expect(issuesOf(() => buildReferenceData(unionRaw(), { comuni: [LUGO] }))).toMatch(
      /offices: edilizia-bagnacavallo: Comune A547 is not a Comune of the union/,
    );
    const noFallback = unionRaw();
    noFallback.offices.offices = noFallback.offices.offices.filter((o: Json) => o.id !== 'segreteria-bagnacavallo');
    // Bagnacavallo is named by its building office, and has nobody for the fallback class XIV.
    expect(issuesOf(() => buildReferenceData(noFallback))).toMatch(
      /no office serving Comune A547 handles the fallback class XIV/,
    );
    // A Comune of the union named nowhere is served by the shared offices only: none handles XIV.
    expect(issuesOf(() => buildReferenceData(unionRaw(), { comuni: [LUGO, BAGNACAVALLO, 'H199'] }))).toMatch(
      /no office serving Comune H199 handles the fallback class XIV/,
    );
  });

  it('loads the Comuni of offices and rules from the config directory', async () => {
    const tmp = await makeTmpDir('faldone-ref-comuni-');
    try {
      const r = unionRaw();
      writeFileSync(path.join(tmp.dir, 'titolario.json'), JSON.stringify(r.titolario));
      writeFileSync(path.join(tmp.dir, 'offices.json'), JSON.stringify(r.offices));
      writeFileSync(path.join(tmp.dir, 'classification-rules.json'), JSON.stringify(r.rules));
      const loaded = loadReferenceData({ configDir: tmp.dir, comuni: [LUGO, BAGNACAVALLO] });
      expect(ids(loaded.officesForClass('VI.3', LUGO))).toEqual(['edilizia-privata']);
      expect(() => loadReferenceData({ configDir: tmp.dir, comuni: [BAGNACAVALLO] })).toThrow(
        /not a Comune of the union/,
      );
    } finally {
      await tmp.cleanup();
    }
  });
});

describe('routing a document of a Comune with the rules', () => {
  const text = textOf(building);

  it("routes the same building letter to each Comune's own building office", () => {
    for (const [comune, office] of [
      [LUGO, 'edilizia-privata'],
      [BAGNACAVALLO, 'edilizia-bagnacavallo'],
    ] as const) {
      const rules = classifyDocument([text], union, { comune });
      const d = decideRouting(rules, {}, text, union, 0.5, { comune });
      expect(d, comune).toMatchObject({ decidedBy: 'rules', titolarioClass: 'VI.3', office });
      expect(d.reasons.join('\n')).not.toMatch(/does not serve/);
    }
    // Bagnacavallo's rule never competes for a Lugo document: the same confidence as with the shipped rules.
    const lugo = classifyDocument([text], union, { comune: LUGO });
    expect(lugo.office.confidence).toBe(classifyDocument([text], shipped).office.confidence);
  });

  it("applies only the Comune's rules: Lugo's tributi rule does not route a Bagnacavallo letter", () => {
    const text = textOf(tributi);
    const lugo = classifyDocument([text], union, { comune: LUGO });
    expect(lugo).toMatchObject({ titolarioClass: { value: 'IV.3' }, office: { value: 'tributi' } });
    const bagnacavallo = classifyDocument([text], union, { comune: BAGNACAVALLO });
    expect(bagnacavallo.titolarioClass.value).not.toBe('IV.3');
    expect(bagnacavallo.office.reasons.join('\n')).not.toMatch(/route tributi/);
    for (const office of [bagnacavallo.office.value, ...bagnacavallo.office.candidates.map((c) => c.value)])
      expect(ids(union.officesFor(BAGNACAVALLO))).toContain(office);
  });

  it("falls back to the Comune's own fallback office when no rule matches", () => {
    const nothing = 'Oggetto: varie. Cordiali saluti.';
    expect(classifyDocument([nothing], union, { comune: LUGO }).office.value).toBe('segreteria');
    const d = classifyDocument([nothing], union, { comune: BAGNACAVALLO });
    expect(d).toMatchObject({ titolarioClass: { value: 'XIV' }, office: { value: 'segreteria-bagnacavallo' } });
  });

  it("moves rules that chose an office outside the Comune to the Comune's office for the class, halving confidence", () => {
    // Classified without the Comune (as a caller unaware of the union would): Lugo's office wins the tie.
    const rules = classifyDocument([text], union);
    expect(rules.office.value).toBe('edilizia-privata');
    const before = Math.min(rules.titolarioClass.confidence, rules.office.confidence);
    const d = decideRouting(rules, {}, text, union, 0, { comune: BAGNACAVALLO });
    expect(d).toMatchObject({ titolarioClass: 'VI.3', office: 'edilizia-bagnacavallo', decidedBy: 'rules' });
    expect(d.officeName).toBe('Edilizia privata – Bagnacavallo');
    expect(d.confidence).toBeCloseTo(before * OUTSIDE_COMUNE_FACTOR, 3);
    expect(d.reasons[0]).toMatch(/office edilizia-privata does not serve Comune A547 → edilizia-bagnacavallo/);
  });
});

describe('routing a document of a Comune with trained models', () => {
  let models: RoutingModels;
  const docs = syntheticGroundTruth({ rows: 120, seed: 23, protocolShare: 0.7 });
  beforeAll(() => {
    const rows = syntheticTaskRows(['titolarioClass', 'office'], { rows: 400, seed: 19, protocolShare: 0.7 });
    models = {
      titolarioClass: trainClassifier(rows.titolarioClass!, { task: 'titolarioClass', seed: 19, epochs: 3 }),
      office: trainClassifier(rows.office!, { task: 'office', seed: 19, epochs: 3 }),
    };
  }, 120_000);

  /** A synthetic document the models route to `office` and to a class that is not XIV. */
  function predictedTo(office: string) {
    for (const doc of docs) {
      const text = textOf(doc);
      const cls = predict(models.titolarioClass!, text);
      const off = predict(models.office!, text);
      if (off.label === office && cls.label !== 'XIV') return { text, cls, off };
    }
    throw new Error(`no synthetic document the model routes to ${office}`);
  }

  it("replaces the model's office outside the Comune with the Comune's office for that class, saying why", () => {
    const { text, cls, off } = predictedTo('edilizia-privata');
    const rules = classifyDocument([text], union, { comune: BAGNACAVALLO });
    const inLugo = decideRouting(classifyDocument([text], union, { comune: LUGO }), models, text, union, 0, {
      comune: LUGO,
    });
    expect(inLugo).toMatchObject({ office: 'edilizia-privata', titolarioClass: cls.label });
    expect(inLugo.confidence).toBe(Math.min(cls.probability, off.probability));

    const d = decideRouting(rules, models, text, union, 0.01, { comune: BAGNACAVALLO });
    const expected = union.officesForClass(cls.label, BAGNACAVALLO)[0]!.id;
    expect(d).toMatchObject({ titolarioClass: cls.label, office: expected });
    expect(d.decidedBy).toMatch(/^model:/);
    expect(d.confidence).toBeCloseTo(Math.min(cls.probability, off.probability) * OUTSIDE_COMUNE_FACTOR, 3);
    expect(d.reasons[0]).toBe(
      `office edilizia-privata does not serve Comune A547 → ${expected}, the best office of A547 for ${cls.label} (confidence ×0.5)`,
    );
    expect(d.reasons.some((r) => r.startsWith('term "'))).toBe(true);
  });

  it("sends to the Comune's fallback office, for review, a class the Comune has no office for", () => {
    const { text, cls } = predictedTo('segreteria');
    expect(union.officesForClass(cls.label, BAGNACAVALLO)).toEqual([]);
    const rules = classifyDocument([text], union, { comune: BAGNACAVALLO });
    const d = decideRouting(rules, models, text, union, 0, { comune: BAGNACAVALLO });
    expect(d).toMatchObject({ titolarioClass: 'XIV', office: 'segreteria-bagnacavallo', confidence: 0 });
    expect(d.reasons[0]).toMatch(
      new RegExp(`no office of A547 handles ${cls.label.replace('.', '\\.')} → fallback XIV`),
    );
    expect(decideRouting(rules, models, text, union, 0.01, { comune: BAGNACAVALLO }).mode).toBe('review');
  });
});

describe('per-Comune thresholds', () => {
  const thresholds = {
    default: 0.9,
    byClass: { 'VI.3': 0.8, IX: 0.97 },
    byComune: { [LUGO]: 0.7, [BAGNACAVALLO]: 0.95 },
  };

  it('take the class and titolo overrides first, then the Comune, then the default', () => {
    expect(thresholdFor('VI.3', thresholds, LUGO)).toBe(0.8); // per-class wins over per-Comune
    expect(thresholdFor('IX.2', thresholds, LUGO)).toBe(0.97); // so does the titolo's
    expect(thresholdFor('IV.3', thresholds, LUGO)).toBe(0.7);
    expect(thresholdFor('IV.3', thresholds, BAGNACAVALLO)).toBe(0.95);
    expect(thresholdFor('IV.3', thresholds, 'H199')).toBe(0.9);
    expect(thresholdFor('IV.3', thresholds)).toBe(0.9);
  });

  it('route the same confidence automatically in one Comune and to review in another', () => {
    const text = textOf(tributi);
    const saying = (comune: string): Classification => {
      const c = classifyDocument([text], union, { comune });
      return {
        ...c,
        titolarioClass: { ...c.titolarioClass, value: 'IV.3', confidence: 0.8 },
        office: { ...c.office, value: 'tributi', confidence: 0.8 },
      };
    };
    expect(decideRouting(saying(LUGO), {}, text, union, thresholds, { comune: LUGO })).toMatchObject({
      mode: 'auto',
      threshold: 0.7,
      confidence: 0.8,
    });
    expect(decideRouting(saying(BAGNACAVALLO), {}, text, union, thresholds, { comune: BAGNACAVALLO })).toMatchObject({
      mode: 'review',
      threshold: 0.95,
    });
  });

  describe('configuration', () => {
    let tmp: Awaited<ReturnType<typeof makeTmpDir>>;
    beforeAll(async () => {
      tmp = await makeTmpDir('faldone-comune-thresholds-');
    });
    afterAll(() => tmp.cleanup());
    const COMUNI = 'E730=Lugo,A547=Bagnacavallo';

    it('reads ROUTING_COMUNE_THRESHOLDS and the file, and passes them to routing', async () => {
      const env = { COMUNI, ROUTING_COMUNE_THRESHOLDS: 'e730=0.8, A547=0.95', ROUTING_THRESHOLDS: 'VI.3=0.6' };
      const config = loadConfig({ env, cwd: tmp.dir });
      expect(config.routing.comuneThresholds).toEqual({ E730: 0.8, A547: 0.95 });
      const t = routingThresholds(config.routing);
      expect([
        thresholdFor('IV.3', t, LUGO),
        thresholdFor('IV.3', t, BAGNACAVALLO),
        thresholdFor('VI.3', t, BAGNACAVALLO),
      ]).toEqual([0.8, 0.95, 0.6]);
      const file = path.join(tmp.dir, 'faldone.json');
      writeFileSync(file, JSON.stringify({ routing: { comuneThresholds: { A547: 0.85 } } }));
      expect(loadConfig({ env: { COMUNI, FALDONE_CONFIG: file }, cwd: tmp.dir }).routing.comuneThresholds).toEqual({
        A547: 0.85,
      });
      // Absent: nothing changes.
      const none = loadConfig({ env: { COMUNI }, cwd: tmp.dir });
      expect(none.routing.comuneThresholds).toBeUndefined();
      expect(thresholdFor('IV.3', routingThresholds(none.routing), LUGO)).toBe(0.9);
    });

    it('refuses a value outside 0..1, a malformed code and a Comune outside the union, naming the setting', () => {
      expect(() => loadConfig({ env: { COMUNI, ROUTING_COMUNE_THRESHOLDS: 'A547=1.5' }, cwd: tmp.dir })).toThrow(
        /routing\.comuneThresholds\.A547/,
      );
      expect(() => loadConfig({ env: { COMUNI, ROUTING_COMUNE_THRESHOLDS: 'Lugo centro=0.8' }, cwd: tmp.dir })).toThrow(
        /routing\.comuneThresholds/,
      );
      expect(() => loadConfig({ env: { COMUNI, ROUTING_COMUNE_THRESHOLDS: 'H199=0.8' }, cwd: tmp.dir })).toThrow(
        ConfigError,
      );
      expect(() => loadConfig({ env: { COMUNI, ROUTING_COMUNE_THRESHOLDS: 'H199=0.8' }, cwd: tmp.dir })).toThrow(
        /routing\.comuneThresholds: unknown Comune H199/,
      );
    });
  });
});
