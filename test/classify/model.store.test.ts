// Versioned models in the ObjectStore (save, load, list, promote, rollback) and the CLI on a CSV with arbitrary columns.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { predict, trainClassifier, type ClassifierModel } from '../../src/classify/model/classifier.ts';
import { parseCsvRows, syntheticRows, type TrainingRow } from '../../src/classify/model/dataset.ts';
import { deserializeModel, ModelStore, serializeModel } from '../../src/classify/model/model.store.ts';
import { FsObjectStore } from '../../src/store/fs.store.ts';
import { makeTmpDir } from '../helpers/tmp-dir.ts';

const run = promisify(execFile);
let tmp: { dir: string; cleanup: () => Promise<void> };
let rows: TrainingRow[];
let probes: string[];

beforeAll(async () => {
  tmp = await makeTmpDir('faldone-model-');
  rows = syntheticRows('office', { rows: 300, seed: 21 });
  probes = syntheticRows('office', { rows: 40, seed: 22 }).map((r) => r.text);
});
afterAll(() => tmp.cleanup());

const predictions = (m: ClassifierModel): Array<[string, number]> =>
  probes.map((t) => {
    const p = predict(m, t);
    return [p.label, p.probability];
  });

describe('model store', () => {
  it('save → load gives identical predictions', async () => {
    const model = trainClassifier(rows, { task: 'office', seed: 1, epochs: 3 });
    const store = new ModelStore(new FsObjectStore(path.join(tmp.dir, 'a')));
    const version = await store.save(model);
    expect(version).toBe('v0001');
    const loaded = await store.load('office');
    expect(loaded.version).toBe('v0001');
    expect(loaded.training.dataHash).toBe(model.training.dataHash);
    expect(loaded.temperature).toBe(model.temperature);
    expect(predictions(loaded)).toEqual(predictions(model));
    expect(predictions(deserializeModel(serializeModel(model)))).toEqual(predictions(model));
  });

  it('rollback to an earlier version restores its predictions', async () => {
    const store = new ModelStore(new FsObjectStore(path.join(tmp.dir, 'b')));
    const first = trainClassifier(rows, { task: 'office', seed: 1, epochs: 3 });
    // The second model learnt from corrected rows: every "tributi" letter relabelled as "ragioneria".
    const corrected = rows.map((r) => (r.label === 'tributi' ? { ...r, label: 'ragioneria' } : r));
    const second = trainClassifier(corrected, { task: 'office', seed: 1, epochs: 3 });
    expect(await store.save(first)).toBe('v0001');
    expect(await store.save(second)).toBe('v0002');
    expect((await store.current('office'))?.version).toBe('v0002');
    const secondPreds = predictions(await store.load('office'));
    expect(secondPreds).not.toEqual(predictions(first));

    const back = await store.rollback('office');
    expect(back.version).toBe('v0001');
    expect(predictions(await store.load('office'))).toEqual(predictions(first));

    await store.promote('office', 'v0002');
    expect(predictions(await store.load('office'))).toEqual(secondPreds);
    const list = await store.list('office');
    expect(list.map((m) => [m.version, m.current])).toEqual([
      ['v0001', false],
      ['v0002', true],
    ]);
  });

  it('saves started at the same time from several processes take distinct versions, each holding its own model', async () => {
    // One FsObjectStore per "process" over the same directory: no in-process queue is shared between them, so only
    // the claims protect the numbering. A fourth store saves twice through the same ModelStore (in-process queue).
    const dir = path.join(tmp.dir, 'concurrent');
    const small = trainClassifier(rows.slice(0, 80), { task: 'office', seed: 1, epochs: 1 });
    const variant = (i: number): ClassifierModel => ({
      ...small,
      training: { ...small.training, dataHash: `dati-${i}` },
    });
    const shared = new ModelStore(new FsObjectStore(dir));
    const savers = [0, 1, 2].map(() => new ModelStore(new FsObjectStore(dir)));
    const versions = await Promise.all([
      ...savers.map((s, i) => s.save(variant(i), { promote: false })),
      shared.save(variant(3), { promote: false }),
      shared.save(variant(4), { promote: false }),
    ]);
    // Distinct numbers; two savers that collide both withdraw, and a claim still listed while the other retries is
    // counted as taken, so a collision may leave a gap (by design, like a crash): numbers are unique, not contiguous.
    expect(new Set(versions).size).toBe(5);
    for (const v of versions) expect(v).toMatch(/^v\d{4}$/);
    for (const [i, v] of versions.entries())
      expect((await shared.load('office', v)).training.dataHash).toBe(`dati-${i}`);
    const leftovers: string[] = [];
    for await (const key of new FsObjectStore(dir).list('models/office/claims/')) leftovers.push(key);
    expect(leftovers).toEqual([]);
    const highest = Math.max(...versions.map((v) => Number(v.slice(1))));
    expect(await shared.save(variant(5))).toBe(`v${String(highest + 1).padStart(4, '0')}`);
    expect(await shared.tasks()).toEqual(['office']);
  });

  it('refuses an unknown version', async () => {
    const store = new ModelStore(new FsObjectStore(path.join(tmp.dir, 'c')));
    await expect(store.load('office')).rejects.toThrow(/no current model/);
    await expect(store.promote('office', 'v0009')).rejects.toThrow(/no model/);
  });
});

describe('CSV data', () => {
  const csvLines = (n: number): string[] => {
    const lines = ['Numero;Oggetto del documento;Classe;Note'];
    const subjects: Record<string, string[]> = {
      'IV.3': [
        'Richiesta rimborso IMU versata in eccesso',
        'Istanza di rimborso TARI anno precedente',
        'Rimborso tributo IMU pagato due volte',
      ],
      'IX.4': [
        'Esposto per rumori molesti dal bar',
        'Segnalazione schiamazzi notturni e musica alta',
        'Esposto rumori provenienti da locale pubblico',
      ],
      'XI.2': [
        'Richiesta certificato di residenza',
        'Domanda certificato anagrafico di residenza',
        'Certificato di stato di famiglia e residenza',
      ],
    };
    let i = 0;
    for (let k = 0; k < n; k++) {
      for (const [cls, list] of Object.entries(subjects)) {
        lines.push(`${++i};"${list[k % list.length]} – prot. ${1000 + i}";${cls};"nota; con separatore"`);
      }
    }
    return lines;
  };

  it('parses a CSV with arbitrary column names and quoted separators', () => {
    const parsed = parseCsvRows(csvLines(2).join('\n'), { textCol: 'Oggetto del documento', labelCol: 'Classe' });
    expect(parsed).toHaveLength(6);
    expect(parsed[0]).toEqual({ text: 'Richiesta rimborso IMU versata in eccesso – prot. 1001', label: 'IV.3' });
    expect(() => parseCsvRows(csvLines(1).join('\n'), { textCol: 'Testo', labelCol: 'Classe' })).toThrow(
      /no column "Testo"/,
    );
  });

  it('train, eval and predict work from the CLI on a CSV', async () => {
    const csv = path.join(tmp.dir, 'protocollo.csv');
    await writeFile(csv, `${csvLines(12).join('\n')}\n`);
    const storeDir = path.join(tmp.dir, 'cli-store');
    const cli = (...args: string[]) =>
      run('npx', ['tsx', 'scripts/classify.ts', ...args, '--store-dir', storeDir, '--quiet'], { cwd: process.cwd() });
    const common = [
      '--task',
      'protocollo',
      '--csv',
      csv,
      '--text-col',
      'Oggetto del documento',
      '--label-col',
      'Classe',
    ];

    const train = await cli('train', ...common);
    expect(train.stdout).toMatch(/protocollo v0001 \(current\): 36 rows, 3 classes/);

    const evalOut = await cli('eval', ...common, '--folds', '3', '--threshold', '0.6');
    expect(evalOut.stdout).toMatch(/rows 36\s+accuracy (0\.9\d\d|1\.000)/);
    expect(evalOut.stdout).toContain('confusion matrix');
    expect(evalOut.stdout).toContain('auto-routing by confidence threshold');

    const pred = await cli(
      'predict',
      '--task',
      'protocollo',
      '--text',
      'Esposto per rumori molesti notturni',
      '--json',
    );
    const out = JSON.parse(pred.stdout) as { label: string; probability: number; topTerms: Array<{ term: string }> };
    expect(out.label).toBe('IX.4');
    expect(out.topTerms.map((t) => t.term)).toContain('rumori');
  });
});
