// Trainable classifier CLI (document type, titolario class, office):
//   tsx scripts/classify.ts train   --task documentType|titolarioClass|office <data> [--epochs 6 --l2 1e-6 --lr 0.5 --no-promote]
//                                   [--threads N] (feature extraction threads, default the cores up to 8; same model)
//   tsx scripts/classify.ts eval    --task T <data> [--model current|v0003 | --folds k | --holdout 0.2] [--json]
//   tsx scripts/classify.ts predict --task T --text "…" [--model v0003] [--top 10] [--json]
//   tsx scripts/classify.ts list|promote|rollback --task T [--version v0003 | --to v0002]
//   tsx scripts/classify.ts retrain [--tasks titolarioClass,office] [--synthetic N --seed S] [--epochs E] [--json]
//     (base rows + records managers' decisions from the configured database and store; candidate vs current model on
//     the same held-out set, promoted only if not worse: see src/classify/learning/retrain.ts)
// <data> is one of: --synthetic N [--seed S --cer 0.02 --protocol-share 0.35 --max-chars N] (generated ground truth
// with OCR-like noise), --corpus path/corpus.json (generator output), --csv file --text-col C --label-col L
// [--delimiter ';']. Models live in the ObjectStore of the configuration, or in --store-dir DIR (a local folder).
// `eval --model` scores a saved model on the data; otherwise it trains fresh models (held-out split or k folds).
import { parseArgs } from 'node:util';
import {
  predictVector,
  trainClassifier,
  evaluateModel,
  type ClassifierModel,
  DEFAULT_THRESHOLD,
} from '../src/classify/model/classifier.ts';
import {
  loadCorpusRows,
  loadCsvRows,
  stratifiedFolds,
  stratifiedSplit,
  syntheticRows,
  type TrainingRow,
} from '../src/classify/model/dataset.ts';
import { explain } from '../src/classify/model/explain.ts';
import { REPORT_THRESHOLDS, evaluate, thresholdPoint, type Evaluation } from '../src/classify/model/metrics.ts';
import { ModelStore } from '../src/classify/model/model.store.ts';
import { formatEvaluation, formatThresholds } from '../src/classify/model/report.ts';
import { FsObjectStore } from '../src/store/fs.store.ts';
import type { ObjectStore } from '../src/store/object-store.ts';
import { extractFeatures } from '../src/classify/model/features.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    task: { type: 'string' },
    tasks: { type: 'string' },
    csv: { type: 'string' },
    'text-col': { type: 'string' },
    'label-col': { type: 'string' },
    delimiter: { type: 'string' },
    corpus: { type: 'string' },
    synthetic: { type: 'string' },
    seed: { type: 'string', default: '1' },
    cer: { type: 'string', default: '0.02' },
    'protocol-share': { type: 'string', default: '0.35' },
    'max-chars': { type: 'string' },
    epochs: { type: 'string' },
    threads: { type: 'string' },
    l2: { type: 'string' },
    lr: { type: 'string' },
    balance: { type: 'string' },
    threshold: { type: 'string' },
    'no-promote': { type: 'boolean', default: false },
    model: { type: 'string' },
    folds: { type: 'string' },
    holdout: { type: 'string', default: '0.2' },
    text: { type: 'string' },
    top: { type: 'string', default: '10' },
    version: { type: 'string' },
    to: { type: 'string' },
    'store-dir': { type: 'string' },
    json: { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
  },
});

const command = positionals[0];
const task = values.task;
if (!command || (!task && command !== 'retrain')) usage();

function usage(): never {
  console.error(
    'usage: tsx scripts/classify.ts train|eval|predict|list|promote|rollback --task <task> [options], or retrain [--tasks a,b] (see the header of scripts/classify.ts)',
  );
  process.exit(2);
}

const num = (s: string | undefined): number | undefined => (s === undefined ? undefined : Number(s));
const log = (s: string): void => {
  if (!values.quiet && !values.json) console.error(s);
};

async function openStore(): Promise<ObjectStore> {
  if (values['store-dir']) return new FsObjectStore(values['store-dir']);
  const { loadConfig } = await import('../src/core/config.ts');
  const { createObjectStore } = await import('../src/workers/adapters.ts');
  return createObjectStore(loadConfig());
}

async function loadRows(): Promise<{ rows: TrainingRow[]; source: string }> {
  if (values.csv) {
    if (!values['text-col'] || !values['label-col']) throw new Error('--csv needs --text-col and --label-col');
    const rows = await loadCsvRows(values.csv, {
      textCol: values['text-col'],
      labelCol: values['label-col'],
      delimiter: values.delimiter,
    });
    return { rows, source: `csv:${values.csv}#${values['text-col']}→${values['label-col']}` };
  }
  if (values.corpus) {
    if (!isGroundTruthTask(task!)) throw new Error(`--corpus supports --task documentType|titolarioClass|office`);
    return { rows: await loadCorpusRows(values.corpus, task), source: `corpus:${values.corpus}` };
  }
  if (values.synthetic) {
    if (!isGroundTruthTask(task!)) throw new Error(`--synthetic supports --task documentType|titolarioClass|office`);
    const opts = {
      rows: Number(values.synthetic),
      seed: Number(values.seed),
      cer: Number(values.cer),
      protocolShare: Number(values['protocol-share']),
      maxChars: num(values['max-chars']),
    };
    const t0 = performance.now();
    const rows = syntheticRows(task, opts);
    log(
      `generated ${rows.length} synthetic rows (seed ${opts.seed}, CER ${opts.cer}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    return {
      rows,
      source: `synthetic:n=${opts.rows},seed=${opts.seed},cer=${opts.cer},protocolShare=${opts.protocolShare}${opts.maxChars ? `,maxChars=${opts.maxChars}` : ''}`,
    };
  }
  throw new Error('no data: give --synthetic N, --corpus FILE or --csv FILE --text-col C --label-col L');
}

function isGroundTruthTask(t: string): t is 'documentType' | 'titolarioClass' | 'office' {
  return t === 'documentType' || t === 'titolarioClass' || t === 'office';
}

function trainOptions(source: string) {
  return {
    task: task!,
    source,
    seed: Number(values.seed),
    epochs: num(values.epochs),
    l2: num(values.l2),
    learningRate: num(values.lr),
    balance: num(values.balance),
    threshold: num(values.threshold),
    threads: num(values.threads),
    onProgress: log,
  };
}

function printEvaluation(
  ev: Evaluation,
  rows: readonly TrainingRow[],
  predicted: Array<{ label: string; probability: number }>,
  threshold: number,
): void {
  if (values.json) {
    console.log(JSON.stringify(ev, null, 2));
    return;
  }
  const routing = task === 'titolarioClass' || task === 'office' || values.threshold !== undefined;
  const thresholds = [...new Set([...REPORT_THRESHOLDS, threshold])].sort((a, b) => a - b);
  const withDefault = {
    ...ev,
    thresholds: thresholds.map((t) =>
      thresholdPoint(
        rows.map((r) => r.label),
        predicted.map((p) => p.label),
        predicted.map((p) => p.probability),
        t,
      ),
    ),
  };
  console.log(formatEvaluation(withDefault, { thresholds: routing, defaultThreshold: threshold }));
  // Routing matters for protocol mail: show it alone when the rows say which are letters.
  const letters = rows.map((r, i) => ({ r, p: predicted[i]! })).filter((x) => x.r.group === 'protocol');
  if (routing && letters.length > 0 && letters.length < rows.length) {
    const points = thresholds.map((t) =>
      thresholdPoint(
        letters.map((x) => x.r.label),
        letters.map((x) => x.p.label),
        letters.map((x) => x.p.probability),
        t,
      ),
    );
    console.log(`\n${formatThresholds(points, threshold, `protocol letters only (${letters.length} rows)`)}`);
  }
}

async function retrainCommand(): Promise<void> {
  const { loadConfig } = await import('../src/core/config.ts');
  const { createObjectStore, createMetadataStore } = await import('../src/workers/adapters.ts');
  const { loadReferenceData } = await import('../src/classify/reference-data.ts');
  const { retrain } = await import('../src/classify/learning/retrain.ts');
  const { isRoutingTask } = await import('../src/classify/learning/training-corrections.ts');
  const config = loadConfig();
  const tasks = values.tasks
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = tasks?.filter((x) => !isRoutingTask(x)) ?? [];
  if (unknown.length) throw new Error(`retrain supports --tasks titolarioClass,office (not ${unknown.join(', ')})`);
  const store = createObjectStore(config);
  const db = await createMetadataStore(config);
  try {
    const report = await retrain(
      { db, store, reference: () => loadReferenceData({ configDir: config.referenceDir }), onProgress: log },
      {
        tasks: tasks as Array<'titolarioClass' | 'office'> | undefined,
        base: values.synthetic
          ? { synthetic: Number(values.synthetic), seed: Number(values.seed) }
          : config.learning.base,
        holdout: config.learning.holdout,
        correctionWeight: config.learning.correctionWeight,
        tolerance: config.learning.tolerance,
        epochs: num(values.epochs) ?? config.learning.epochs,
        actor: process.env.USER ? `cli:${process.env.USER}` : 'cli',
        trigger: 'cli',
      },
    );
    if (values.json) console.log(JSON.stringify(report, null, 2));
    else {
      const d = report.decisions;
      console.log(
        `decisions: ${d.total} (${d.accepted} accepted, ${d.corrected} corrected; ${d.missingText} without text)`,
      );
      for (const r of report.tasks) {
        const c = r.candidate;
        console.log(
          `${r.task}: ${r.outcome}${r.version ? ` ${r.version}` : ''}, current ${r.current ?? '—'} (was ${r.previous ?? '—'}); ` +
            `train ${r.training.rows} rows (${r.training.corrections} corrections), held-out ${r.heldOut.rows}` +
            (c ? `; candidate macro-F1 ${c.macroF1.toFixed(4)} accuracy ${c.accuracy.toFixed(4)}` : ''),
        );
        console.log(`  ${r.reason}`);
      }
    }
  } finally {
    await db.close();
    await store.close();
  }
}

async function main(): Promise<void> {
  if (command === 'retrain') return retrainCommand();
  const t = task!;
  switch (command) {
    case 'train': {
      const { rows, source } = await loadRows();
      const model = trainClassifier(rows, trainOptions(source));
      const store = new ModelStore(await openStore());
      const version = await store.save(model, { promote: !values['no-promote'] });
      const m = model.metrics;
      if (values.json)
        console.log(
          JSON.stringify({ version, training: model.training, metrics: m, temperature: model.temperature }, null, 2),
        );
      else {
        console.log(
          `${t} ${version}${values['no-promote'] ? '' : ' (current)'}: ${rows.length} rows, ${model.linear.labels.length} classes, trained in ${(model.training.trainMs / 1000).toFixed(1)} s`,
        );
        console.log(
          `calibration split: ${m.rows} rows, accuracy ${m.accuracy.toFixed(3)}, macro-F1 ${m.macroF1.toFixed(3)}, temperature ${model.temperature.toFixed(3)}, NLL ${m.nllBeforeCalibration.toFixed(4)} → ${m.nllAfterCalibration.toFixed(4)}, ECE ${m.ece.toFixed(4)}`,
        );
        console.log(`data hash ${model.training.dataHash}`);
      }
      return;
    }
    case 'eval': {
      const { rows, source } = await loadRows();
      if (values.model) {
        const model = await new ModelStore(await openStore()).load(
          t,
          values.model === 'current' ? undefined : values.model,
        );
        log(`evaluating ${t} ${model.version} (trained on ${model.training.source}) on ${source}`);
        const t0 = performance.now();
        const { predictions, evaluation } = evaluateModel(model, rows);
        log(
          `predicted ${rows.length} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s (${((performance.now() - t0) / rows.length).toFixed(2)} ms/row)`,
        );
        printEvaluation(evaluation, rows, predictions, model.threshold);
        return;
      }
      const k = num(values.folds);
      const parts: Array<{ rows: TrainingRow[]; predicted: Array<{ label: string; probability: number }> }> = [];
      if (k && k > 1) {
        const folds = stratifiedFolds(rows, k, Number(values.seed));
        for (let i = 0; i < k; i++) {
          const train = folds.filter((_, j) => j !== i).flat();
          log(`fold ${i + 1}/${k}: train ${train.length}, test ${folds[i]!.length}`);
          const model = trainClassifier(train, { ...trainOptions(source), onProgress: undefined });
          parts.push({ rows: folds[i]!, predicted: score(model, folds[i]!) });
        }
      } else {
        const { kept, held } = stratifiedSplit(rows, Number(values.holdout), Number(values.seed));
        log(`held-out split: train ${kept.length}, test ${held.length}`);
        const model = trainClassifier(kept, trainOptions(source));
        parts.push({ rows: held, predicted: score(model, held) });
      }
      const all = parts.flatMap((p) => p.rows);
      const predicted = parts.flatMap((p) => p.predicted);
      const ev = evaluate(
        all.map((r) => r.label),
        predicted.map((p) => p.label),
        predicted.map((p) => p.probability),
      );
      printEvaluation(ev, all, predicted, num(values.threshold) ?? DEFAULT_THRESHOLD);
      return;
    }
    case 'predict': {
      if (!values.text) throw new Error('predict needs --text "…"');
      const model = await new ModelStore(await openStore()).load(t, values.model);
      const t0 = performance.now();
      const e = explain(model, values.text, { top: Number(values.top) });
      const ms = performance.now() - t0;
      if (values.json)
        console.log(
          JSON.stringify({ version: model.version, ...e, autoRoute: e.probability >= model.threshold }, null, 2),
        );
      else {
        console.log(
          `${t} ${model.version}: ${e.label}  p=${e.probability.toFixed(3)}  ${e.probability >= model.threshold ? 'auto' : 'review'} (threshold ${model.threshold})  [${ms.toFixed(1)} ms]`,
        );
        for (const alt of e.probabilities.slice(1, 4))
          console.log(`  alt ${alt.label}  p=${alt.probability.toFixed(3)}`);
        console.log(`  top terms: ${e.topTerms.map((x) => `${x.term} (${x.contribution.toFixed(3)})`).join(', ')}`);
      }
      return;
    }
    case 'list': {
      const list = await new ModelStore(await openStore()).list(t);
      if (values.json) console.log(JSON.stringify(list, null, 2));
      else
        for (const m of list)
          console.log(
            `${m.current ? '*' : ' '} ${m.version}  ${m.createdAt}  rows ${m.rows}  acc ${m.accuracy?.toFixed?.(3) ?? '—'}  macro-F1 ${m.macroF1?.toFixed?.(3) ?? '—'}  data ${m.dataHash.slice(0, 12)}`,
          );
      return;
    }
    case 'promote': {
      if (!values.version) throw new Error('promote needs --version');
      const p = await new ModelStore(await openStore()).promote(t, values.version);
      console.log(`${t}: current is now ${p.version}`);
      return;
    }
    case 'rollback': {
      const p = await new ModelStore(await openStore()).rollback(t, values.to);
      console.log(`${t}: rolled back, current is now ${p.version}`);
      return;
    }
    default:
      usage();
  }
}

function score(model: ClassifierModel, rows: readonly TrainingRow[]): Array<{ label: string; probability: number }> {
  return rows.map((r) => predictVector(model, extractFeatures(r.text, model.features)));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
