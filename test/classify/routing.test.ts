// Routing with the records manager in the loop: trained models decide when there are current ones, rules otherwise;
// the threshold separates automatic routes from the review queue.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { loadReferenceData } from '../../src/classify/reference-data.ts';
import { classifyDocument } from '../../src/classify/rules.classifier.ts';
import { CurrentModels, decideRouting } from '../../src/classify/routing.ts';
import { trainClassifier } from '../../src/classify/model/classifier.ts';
import { syntheticRows } from '../../src/classify/model/dataset.ts';
import { ModelStore } from '../../src/classify/model/model.store.ts';
import { FsObjectStore } from '../../src/store/fs.store.ts';
import { loadFixtures } from '../helpers/fixtures.ts';
import { makeTmpDir } from '../helpers/tmp-dir.ts';

const ref = loadReferenceData();
const letter = loadFixtures().find((f) => f.kind === 'protocol' && f.titolarioClass !== 'VI.3')!;
const text = letter.pages.map((p) => p.text).join('\n');
let tmp: Awaited<ReturnType<typeof makeTmpDir>>;
let store: FsObjectStore;

beforeAll(async () => {
  tmp = await makeTmpDir();
  store = new FsObjectStore(path.join(tmp.dir, 'store'));
}, 120_000);
afterAll(() => tmp?.cleanup());

describe('routing', () => {
  it('uses the rules while no model is current', async () => {
    const models = await new CurrentModels(store, 0).get();
    const d = decideRouting(classifyDocument([text], ref), models, text, ref, 0.5);
    expect(d).toMatchObject({ decidedBy: 'rules', titolarioClass: letter.titolarioClass, office: letter.office });
  });

  it('routes automatically above the threshold and to review below it, with the model and its reasons', async () => {
    const models = new ModelStore(store);
    for (const task of ['titolarioClass', 'office'] as const) {
      const model = trainClassifier(syntheticRows(task, { rows: 1500, seed: 7, protocolShare: 0.7 }), {
        task,
        seed: 7,
      });
      await models.save(model, { promote: true });
    }
    const current = await new CurrentModels(store, 0).get();
    const rules = classifyDocument([text], ref);
    const sure = decideRouting(rules, current, text, ref, 0.5);
    expect(sure).toMatchObject({ mode: 'auto', titolarioClass: letter.titolarioClass, office: letter.office });
    expect(sure.decidedBy).toBe('model:titolarioClass@v0001,office@v0001');
    expect(sure.reasons.some((r) => r.startsWith('term "'))).toBe(true);
    const strict = decideRouting(rules, current, text, ref, 1);
    expect(strict).toMatchObject({ mode: 'review', titolarioClass: letter.titolarioClass });
    expect(strict.confidence).toBeLessThan(1);
  }, 120_000);
});
