// Retraining from records managers' decisions: for each routing task a candidate model is trained on the base rows
// plus the decisions (corrections weighted), then scored with the current model on the SAME held-out set (the
// held-out part of the base rows plus the held-out part of the decisions). The candidate is always saved; it becomes
// current only if neither its macro-F1 nor its accuracy is worse than the current model's (beyond `tolerance`).
// Without a current model it must not be worse than the keyword rules (when reference data is given), else it is
// promoted as the first model. Every outcome is recorded as an event ('model.retrained' / 'model.rejected').
//
// The held-out side is stable between retrains as long as the base settings (rows, seed, holdout) are unchanged:
// the base split is seeded and decisions are split by a hash of their document id. If the settings change, the
// current model may have trained on some of the new held-out rows, which can only make promotion harder, never easier.
import type { MetadataStore } from '../../db/metadata-store.ts';
import type { ObjectStore } from '../../store/object-store.ts';
import type { ReferenceData } from '../reference-data.ts';
import { classifyDocument } from '../rules.classifier.ts';
import { evaluateModel, trainClassifier, type ClassifierModel, type ModelGate } from '../model/classifier.ts';
import { stratifiedSplit, syntheticTaskRows, type TrainingRow } from '../model/dataset.ts';
import { evaluate } from '../model/metrics.ts';
import { ModelNotFoundError, ModelStore } from '../model/model.store.ts';
import {
  decisionRows,
  loadDecisions,
  ROUTING_TASKS,
  splitDecisions,
  type Decision,
  type RoutingTask,
} from './training-corrections.ts';

export interface Score {
  accuracy: number;
  macroF1: number;
}

export interface RetrainDeps {
  db: MetadataStore;
  store: ObjectStore;
  /** For the rules baseline of a task without a current model; without it the first model is simply promoted. */
  reference?: () => ReferenceData;
  onProgress?: (message: string) => void;
}

export interface RetrainOptions {
  tasks?: readonly RoutingTask[];
  /** Generated rows every candidate starts from (synthetic 0: decisions only). */
  base: { synthetic: number; seed: number };
  /** Base rows given directly (per task) instead of generating them. */
  baseRows?: Partial<Record<RoutingTask, TrainingRow[]>>;
  holdout: number;
  correctionWeight: number;
  tolerance?: number;
  epochs?: number;
  /** Seed of training and of the base split (default base.seed). */
  seed?: number;
  /** Who asked: 'system' for the scheduled check, else a user id. */
  actor?: string;
  /** What started it, for the report and the events: 'schedule', 'api', 'cli'… */
  trigger?: string;
}

export interface TaskRetrainReport {
  task: RoutingTask;
  outcome: 'promoted' | 'rejected' | 'skipped';
  reason: string;
  /** The candidate's saved version (also when rejected: it can still be promoted by hand). */
  version?: string;
  /** Current version before and after. */
  previous: string | null;
  current: string | null;
  candidate?: Score;
  against?: ModelGate['against'];
  heldOut: { rows: number; base: number; decisions: number };
  training: { rows: number; base: number; decisions: number; corrections: number };
  trainMs?: number;
}

export interface RetrainReport {
  startedAt: string;
  finishedAt: string;
  trigger: string;
  actor: string;
  decisions: { total: number; accepted: number; corrected: number; missingText: number };
  tasks: TaskRetrainReport[];
}

const EPSILON = 1e-9; // both scores come from the same rows; this only absorbs float rounding

/** The gate: not worse on macro-F1 and not worse on accuracy (each within `tolerance`). */
export function notWorse(candidate: Score, reference: Score, tolerance = 0): boolean {
  return (
    candidate.macroF1 >= reference.macroF1 - tolerance - EPSILON &&
    candidate.accuracy >= reference.accuracy - tolerance - EPSILON
  );
}

export async function retrain(deps: RetrainDeps, opts: RetrainOptions): Promise<RetrainReport> {
  const startedAt = new Date().toISOString();
  const tasks = opts.tasks ?? ROUTING_TASKS;
  const say = (m: string) => deps.onProgress?.(m);
  const { decisions, missingText } = await loadDecisions(deps);
  say(`decisions: ${decisions.length} with text (${missingText.length} without)`);
  const split = splitDecisions(decisions, opts.holdout);
  let base = opts.baseRows;
  if (!base && opts.base.synthetic > 0) {
    const t0 = performance.now();
    base = syntheticTaskRows(tasks, { rows: opts.base.synthetic, seed: opts.base.seed });
    say(`base: ${opts.base.synthetic} generated rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const reports: TaskRetrainReport[] = [];
  for (const task of tasks) reports.push(await retrainTask(deps, opts, task, base?.[task] ?? [], split));
  return {
    startedAt,
    finishedAt: new Date().toISOString(),
    trigger: opts.trigger ?? 'manual',
    actor: opts.actor ?? 'system',
    decisions: {
      total: decisions.length,
      accepted: decisions.filter((d) => d.state === 'accepted').length,
      corrected: decisions.filter((d) => d.state === 'corrected').length,
      missingText: missingText.length,
    },
    tasks: reports,
  };
}

async function retrainTask(
  deps: RetrainDeps,
  opts: RetrainOptions,
  task: RoutingTask,
  baseRows: readonly TrainingRow[],
  split: { kept: Decision[]; held: Decision[] },
): Promise<TaskRetrainReport> {
  const seed = opts.seed ?? opts.base.seed;
  const models = new ModelStore(deps.store);
  const previous = (await models.current(task))?.version ?? null;
  const baseSplit = baseRows.length > 0 ? stratifiedSplit(baseRows, opts.holdout, seed) : { kept: [], held: [] };
  const keptRows = decisionRows(split.kept, task, opts.correctionWeight);
  const heldRows = decisionRows(split.held, task, 1);
  const trainRows = [...baseSplit.kept, ...keptRows];
  const heldOut = [...baseSplit.held, ...heldRows];
  const shape = {
    previous,
    heldOut: { rows: heldOut.length, base: baseSplit.held.length, decisions: heldRows.length },
    training: {
      rows: trainRows.length,
      base: baseSplit.kept.length,
      decisions: keptRows.length,
      corrections: keptRows.filter((r) => r.group === 'corrected').length,
    },
  };
  if (new Set(trainRows.map((r) => r.label)).size < 2) {
    return { task, outcome: 'skipped', reason: 'fewer than two labels to learn', current: previous, ...shape };
  }

  const t0 = performance.now();
  const candidate = trainClassifier(trainRows, {
    task,
    seed,
    epochs: opts.epochs,
    source:
      `retrain:base=${opts.baseRows ? 'given' : `synthetic(n=${opts.base.synthetic},seed=${opts.base.seed})`},` +
      `holdout=${opts.holdout},decisions=${keptRows.length},corrections=${shape.training.corrections}`,
  });
  const trainMs = Math.round(performance.now() - t0);
  deps.onProgress?.(`${task}: candidate trained on ${trainRows.length} rows in ${(trainMs / 1000).toFixed(1)} s`);

  const gate = await decide(deps, opts, task, candidate, heldOut, previous);
  candidate.gate = gate;
  const version = await models.save(candidate, { promote: gate.decision === 'promoted' });
  const current = (await models.current(task))?.version ?? null;
  await deps.db.addEvent({
    type: gate.decision === 'promoted' ? 'model.retrained' : 'model.rejected',
    actor: opts.actor ?? 'system',
    detail: {
      task,
      version,
      previous,
      current,
      trigger: opts.trigger ?? 'manual',
      reason: gate.reason,
      candidate: { accuracy: gate.accuracy, macroF1: gate.macroF1 },
      against: gate.against,
      heldOut: shape.heldOut,
      training: shape.training,
    },
  });
  return {
    task,
    outcome: gate.decision,
    reason: gate.reason,
    version,
    current,
    candidate: { accuracy: gate.accuracy, macroF1: gate.macroF1 },
    against: gate.against,
    trainMs,
    ...shape,
  };
}

async function decide(
  deps: RetrainDeps,
  opts: RetrainOptions,
  task: RoutingTask,
  candidate: ClassifierModel,
  heldOut: readonly TrainingRow[],
  previous: string | null,
): Promise<ModelGate> {
  const tolerance = opts.tolerance ?? 0;
  if (heldOut.length === 0) {
    return previous
      ? {
          decision: 'rejected',
          reason: 'no held-out rows to compare with the current model',
          heldOutRows: 0,
          accuracy: NaN,
          macroF1: NaN,
        }
      : { decision: 'promoted', reason: 'first model (no held-out rows)', heldOutRows: 0, accuracy: NaN, macroF1: NaN };
  }
  const mine = score(evaluateModel(candidate, heldOut).evaluation);
  const common = { heldOutRows: heldOut.length, ...mine };
  let current: ClassifierModel | undefined;
  if (previous) {
    try {
      current = await new ModelStore(deps.store).load(task, previous);
    } catch (err) {
      if (!(err instanceof ModelNotFoundError)) throw err;
    }
  }
  if (current) {
    const theirs = score(evaluateModel(current, heldOut).evaluation);
    const against = { kind: 'model' as const, version: previous!, ...theirs };
    const pass = notWorse(mine, theirs, tolerance);
    return {
      decision: pass ? 'promoted' : 'rejected',
      reason: `${pass ? 'not worse than' : 'worse than'} current ${previous}: ${compare(mine, theirs)}`,
      against,
      ...common,
    };
  }
  if (deps.reference) {
    const rules = rulesScore(deps.reference(), task, heldOut);
    const pass = notWorse(mine, rules, tolerance);
    return {
      decision: pass ? 'promoted' : 'rejected',
      reason: `first model, ${pass ? 'not worse than' : 'worse than'} the keyword rules: ${compare(mine, rules)}`,
      against: { kind: 'rules', ...rules },
      ...common,
    };
  }
  return { decision: 'promoted', reason: 'first model', ...common };
}

function score(ev: { accuracy: number; macroF1: number }): Score {
  return { accuracy: ev.accuracy, macroF1: ev.macroF1 };
}

function compare(a: Score, b: Score): string {
  return `macro-F1 ${a.macroF1.toFixed(4)} vs ${b.macroF1.toFixed(4)}, accuracy ${a.accuracy.toFixed(4)} vs ${b.accuracy.toFixed(4)}`;
}

/** The keyword rules' score on the held-out rows (what routing uses while no model is current). */
export function rulesScore(ref: ReferenceData, task: RoutingTask, rows: readonly TrainingRow[]): Score {
  const decided = rows.map((r) => {
    const c = classifyDocument([r.text], ref);
    return task === 'titolarioClass' ? c.titolarioClass : c.office;
  });
  return score(
    evaluate(
      rows.map((r) => r.label),
      decided.map((d) => d.value),
      decided.map((d) => d.confidence),
    ),
  );
}
