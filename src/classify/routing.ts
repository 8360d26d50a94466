// Routing of a document to a titolario class and an office: the current trained models when there are any, the
// keyword rules otherwise. At or above the threshold of the chosen class (a per-class override, else its titolo's,
// else the default) the route is automatic; below it the document waits for review.
import type { ObjectStore } from '../store/object-store.ts';
import type { Classification } from './classification.ts';
import type { ReferenceData } from './reference-data.ts';
import { predict, type ClassifierModel } from './model/classifier.ts';
import { explain } from './model/explain.ts';
import { ModelStore } from './model/model.store.ts';

export interface RoutingDecision {
  mode: 'auto' | 'review';
  titolarioClass: string;
  titolarioLabel?: string;
  office: string;
  officeName?: string;
  confidence: number; // 0..1, the weaker of the class and office confidences
  threshold: number;
  decidedBy: string; // "rules" or "model:<task>@<version>…"
  reasons: string[];
}

export interface RoutingModels {
  titolarioClass?: ClassifierModel;
  office?: ClassifierModel;
}

/** Auto-routing thresholds: `byClass` overrides the default for a class ("VI.3") or a whole titolo ("VI"). */
export interface RoutingThresholds {
  default: number;
  byClass?: Readonly<Record<string, number>>;
}

/** The thresholds of the configuration's `routing` section. */
export function routingThresholds(routing: {
  threshold: number;
  thresholds?: Readonly<Record<string, number>>;
}): RoutingThresholds {
  return { default: routing.threshold, byClass: routing.thresholds ?? {} };
}

/** The threshold that applies to a titolario class: its own, else its titolo's, else the default. */
export function thresholdFor(titolarioClass: string, thresholds: number | RoutingThresholds): number {
  if (typeof thresholds === 'number') return thresholds;
  const byClass = thresholds.byClass ?? {};
  const titolo = titolarioClass.split('.')[0]!;
  for (const key of [titolarioClass, titolo]) if (Object.hasOwn(byClass, key)) return byClass[key]!;
  return thresholds.default;
}

export function decideRouting(
  rules: Classification,
  models: RoutingModels,
  text: string,
  ref: ReferenceData,
  thresholds: number | RoutingThresholds,
): RoutingDecision {
  const { titolarioClass: classModel, office: officeModel } = models;
  if (!classModel || !officeModel) {
    const confidence = Math.min(rules.titolarioClass.confidence, rules.office.confidence);
    const threshold = thresholdFor(rules.titolarioClass.value, thresholds);
    return {
      mode: confidence >= threshold ? 'auto' : 'review',
      titolarioClass: rules.titolarioClass.value,
      titolarioLabel: rules.titolarioClass.label,
      office: rules.office.value,
      officeName: rules.office.name,
      confidence,
      threshold,
      decidedBy: 'rules',
      reasons: [...rules.titolarioClass.reasons, ...rules.office.reasons].slice(0, 10),
    };
  }
  const cls = predict(classModel, text);
  const office = predict(officeModel, text);
  const confidence = Math.min(cls.probability, office.probability);
  const threshold = thresholdFor(cls.label, thresholds);
  const terms = explain(classModel, text, { top: 6 }).topTerms.map((t) => `term "${t.term}" → ${cls.label}`);
  return {
    mode: confidence >= threshold ? 'auto' : 'review',
    titolarioClass: cls.label,
    titolarioLabel: ref.lookupClass(cls.label)?.label,
    office: office.label,
    officeName: ref.lookupOffice(office.label)?.name,
    confidence,
    threshold,
    decidedBy: `model:titolarioClass@${classModel.version ?? '?'},office@${officeModel.version ?? '?'}`,
    reasons: [
      `p(class ${cls.label}) = ${cls.probability.toFixed(3)}`,
      `p(office ${office.label}) = ${office.probability.toFixed(3)}`,
      ...terms,
    ],
  };
}

/**
 * The current models of a store, reloaded when the current pointer moves (checked at most every `ttlMs`, so a
 * promotion or rollback made by another process is followed within that time; `invalidate()` for this process).
 */
export class CurrentModels {
  private readonly models: ModelStore;
  private cached: RoutingModels = {};
  private checkedAt = 0;

  constructor(
    store: ObjectStore,
    private readonly ttlMs = 30_000,
  ) {
    this.models = new ModelStore(store);
  }

  /** The next get() re-reads the pointers. */
  invalidate(): void {
    this.checkedAt = 0;
  }

  async get(): Promise<RoutingModels> {
    if (Date.now() - this.checkedAt < this.ttlMs) return this.cached;
    this.checkedAt = Date.now();
    const next: RoutingModels = {};
    for (const task of ['titolarioClass', 'office'] as const) {
      const pointer = await this.models.current(task);
      if (!pointer) continue;
      next[task] =
        this.cached[task]?.version === pointer.version
          ? this.cached[task]
          : await this.models.load(task, pointer.version);
    }
    this.cached = next;
    return next;
  }
}

const shared = new WeakMap<ObjectStore, CurrentModels>();

/** One CurrentModels per object store in this process, so that a promotion made here is seen at once. */
export function currentModelsFor(store: ObjectStore, ttlMs?: number): CurrentModels {
  let models = shared.get(store);
  if (!models) shared.set(store, (models = new CurrentModels(store, ttlMs)));
  return models;
}

/** After a promotion or rollback in this process: routing re-reads the current pointers on its next decision. */
export function invalidateCurrentModels(store: ObjectStore): void {
  shared.get(store)?.invalidate();
}
