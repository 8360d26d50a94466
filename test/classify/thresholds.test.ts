// Per-class auto-routing thresholds: a class (or its titolo) may be routed automatically from a lower or higher
// confidence than the default; configured in config/faldone.json or ROUTING_THRESHOLDS.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/core/config.ts';
import type { Classification } from '../../src/classify/classification.ts';
import { predict, trainClassifier } from '../../src/classify/model/classifier.ts';
import { syntheticGroundTruth, syntheticTaskRows } from '../../src/classify/model/dataset.ts';
import { loadReferenceData } from '../../src/classify/reference-data.ts';
import { classifyDocument } from '../../src/classify/rules.classifier.ts';
import { decideRouting, routingThresholds, thresholdFor, type RoutingModels } from '../../src/classify/routing.ts';
import { makeTmpDir } from '../helpers/tmp-dir.ts';

const ref = loadReferenceData();
const letter = syntheticGroundTruth({ rows: 20, seed: 5 }).find(
  (d) => d.kind === 'protocol' && d.titolarioClass !== 'VI.3',
)!;
const text = letter.pages.map((p) => p.text).join('\n');

/** The rules' real classification of the letter, with its class and both confidences set by the test. */
function rulesSaying(titolarioClass: string, confidence: number): Classification {
  const c = classifyDocument([text], ref);
  return {
    ...c,
    titolarioClass: { ...c.titolarioClass, value: titolarioClass, confidence },
    office: { ...c.office, confidence },
  };
}

describe('per-class thresholds', () => {
  const thresholds = { default: 0.9, byClass: { 'VI.3': 0.8, IX: 0.7, 'IX.4': 0.95 } };

  it('take the class override first, then its titolo, then the default', () => {
    expect(thresholdFor('VI.3', thresholds)).toBe(0.8);
    expect(thresholdFor('VI.1', thresholds)).toBe(0.9);
    expect(thresholdFor('IX.2', thresholds)).toBe(0.7);
    expect(thresholdFor('IX.4', thresholds)).toBe(0.95);
    expect(thresholdFor('XIV', thresholds)).toBe(0.9);
    expect(thresholdFor('VI.3', 0.6)).toBe(0.6); // a single number still works
    expect(thresholdFor('constructor', { default: 0.9, byClass: {} })).toBe(0.9);
  });

  it('route the same confidence automatically for a class with threshold 0.8 and to review at the default 0.9', () => {
    const auto = decideRouting(rulesSaying('VI.3', 0.85), {}, text, ref, thresholds);
    expect(auto).toMatchObject({
      mode: 'auto',
      titolarioClass: 'VI.3',
      confidence: 0.85,
      threshold: 0.8,
      decidedBy: 'rules',
    });
    const review = decideRouting(rulesSaying('VI.1', 0.85), {}, text, ref, thresholds);
    expect(review).toMatchObject({ mode: 'review', titolarioClass: 'VI.1', confidence: 0.85, threshold: 0.9 });
  });

  describe('with trained models', () => {
    let models: RoutingModels;
    beforeAll(() => {
      const rows = syntheticTaskRows(['titolarioClass', 'office'], { rows: 300, seed: 17, protocolShare: 0.7 });
      models = {
        titolarioClass: trainClassifier(rows.titolarioClass!, { task: 'titolarioClass', seed: 17, epochs: 3 }),
        office: trainClassifier(rows.office!, { task: 'office', seed: 17, epochs: 3 }),
      };
    }, 120_000);

    it('apply the threshold of the class the model chose', () => {
      const cls = predict(models.titolarioClass!, text);
      const confidence = Math.min(cls.probability, predict(models.office!, text).probability);
      const rules = classifyDocument([text], ref);
      // Default just above the model's confidence: review; the chosen class's override just below it: auto.
      const strict = { default: Math.min(1, confidence + 1e-9) };
      expect(decideRouting(rules, models, text, ref, strict).mode).toBe('review');
      const lenient = { ...strict, byClass: { [cls.label]: confidence - 1e-9 } };
      const d = decideRouting(rules, models, text, ref, lenient);
      expect(d).toMatchObject({ mode: 'auto', titolarioClass: cls.label, threshold: confidence - 1e-9 });
      expect(d.decidedBy).toMatch(/^model:/);
      // An override for another class changes nothing.
      const other = { ...strict, byClass: { [cls.label === 'I.1' ? 'I.2' : 'I.1']: 0.1 } };
      expect(decideRouting(rules, models, text, ref, other).mode).toBe('review');
    });
  });
});

describe('threshold configuration', () => {
  let tmp: Awaited<ReturnType<typeof makeTmpDir>>;
  beforeAll(async () => {
    tmp = await makeTmpDir('faldone-thresholds-');
  });
  afterAll(() => tmp.cleanup());

  it('reads per-class thresholds from config/faldone.json, ROUTING_THRESHOLDS replacing the list of the file', async () => {
    const file = path.join(tmp.dir, 'faldone.json');
    await writeFile(file, JSON.stringify({ routing: { threshold: 0.92, thresholds: { 'VI.3': 0.8, XIV: 0.97 } } }));
    const fromFile = loadConfig({ env: { FALDONE_CONFIG: file }, cwd: tmp.dir });
    expect(fromFile.routing).toEqual({ threshold: 0.92, thresholds: { 'VI.3': 0.8, XIV: 0.97 } });
    const t = routingThresholds(fromFile.routing);
    expect([thresholdFor('VI.3', t), thresholdFor('XIV', t), thresholdFor('IV.3', t)]).toEqual([0.8, 0.97, 0.92]);

    const fromEnv = loadConfig({
      env: { FALDONE_CONFIG: file, ROUTING_THRESHOLDS: 'VI.3=0.75, IX.4=0.85' },
      cwd: tmp.dir,
    });
    expect(fromEnv.routing.thresholds).toEqual({ 'VI.3': 0.75, 'IX.4': 0.85 });
    const json = loadConfig({ env: { ROUTING_THRESHOLDS: '{"IV.3": 0.8}' }, cwd: tmp.dir });
    expect(json.routing.thresholds).toEqual({ 'IV.3': 0.8 });
    expect(loadConfig({ env: {}, cwd: tmp.dir }).routing.thresholds).toEqual({});
  });

  it('refuses a threshold outside 0..1 or a key that is not a titolario code, naming the setting', () => {
    expect(() => loadConfig({ env: { ROUTING_THRESHOLDS: 'VI.3=1.5' }, cwd: tmp.dir })).toThrow(
      /routing\.thresholds\.VI\.3/,
    );
    expect(() => loadConfig({ env: { ROUTING_THRESHOLDS: 'edilizia=0.8' }, cwd: tmp.dir })).toThrow(ConfigError);
    expect(() => loadConfig({ env: { ROUTING_THRESHOLDS: 'soglia alta' }, cwd: tmp.dir })).toThrow(
      /routing\.thresholds/,
    );
  });

  it('has learning defaults and takes their environment variables', () => {
    const d = loadConfig({ env: {}, cwd: tmp.dir }).learning;
    expect(d).toMatchObject({
      enabled: true,
      retrainAfter: 50,
      checkEvery: 900_000,
      base: { synthetic: 3000, seed: 1 },
      holdout: 0.2,
      correctionWeight: 3,
      tolerance: 0,
    });
    const e = loadConfig({
      env: {
        RETRAIN_AFTER: '10',
        RETRAIN_CHECK_EVERY: '0 */2 * * *',
        RETRAIN_BASE_SYNTHETIC: '500',
        RETRAIN_HOLDOUT: '0.25',
        LEARNING_ENABLED: 'false',
      },
      cwd: tmp.dir,
    }).learning;
    expect(e).toMatchObject({
      enabled: false,
      retrainAfter: 10,
      checkEvery: '0 */2 * * *',
      base: { synthetic: 500, seed: 1 },
      holdout: 0.25,
    });
    expect(loadConfig({ env: { RETRAIN_CHECK_EVERY: '60000' }, cwd: tmp.dir }).learning.checkEvery).toBe(60_000);
    expect(() => loadConfig({ env: { RETRAIN_HOLDOUT: '1' }, cwd: tmp.dir })).toThrow(/learning\.holdout/);
  });
});
