// Routing of a document to a titolario class and an office: the current trained models when there are any, the
// keyword rules otherwise. Above the threshold the route is automatic; below it the document waits for review.
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

export function decideRouting(
  rules: Classification,
  models: RoutingModels,
  text: string,
  ref: ReferenceData,
  threshold: number,
): RoutingDecision {
  const { titolarioClass: classModel, office: officeModel } = models;
  if (!classModel || !officeModel) {
    const confidence = Math.min(rules.titolarioClass.confidence, rules.office.confidence);
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

/** The current models of a store, reloaded when the current pointer moves (checked at most every `ttlMs`). */
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
