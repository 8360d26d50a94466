// Routing of a document to a titolario class and an office: the current trained models when there are any, the
// keyword rules otherwise. At or above the threshold of the chosen class (a per-class override, else its titolo's,
// else the document's Comune's, else the default) the route is automatic; below it the document waits for review.
// A document of a Comune goes only to an office serving that Comune.
import type { ObjectStore } from '../store/object-store.ts';
import type { Classification } from './classification.ts';
import { servesComune, type ReferenceData } from './reference-data.ts';
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

/**
 * Auto-routing thresholds. Precedence, most specific first: a class's own ("VI.3"), then its titolo's ("VI") — both
 * in `byClass` —, then the document's Comune's (`byComune`, "E730"), then `default`. So a per-class threshold wins
 * over a per-Comune one, which wins over the default.
 */
export interface RoutingThresholds {
  default: number;
  byClass?: Readonly<Record<string, number>>;
  byComune?: Readonly<Record<string, number>>;
}

/** The thresholds of the configuration's `routing` section. */
export function routingThresholds(routing: {
  threshold: number;
  thresholds?: Readonly<Record<string, number>>;
  comuneThresholds?: Readonly<Record<string, number>>;
}): RoutingThresholds {
  return { default: routing.threshold, byClass: routing.thresholds ?? {}, byComune: routing.comuneThresholds ?? {} };
}

/** The threshold that applies to a titolario class (of a document of `comune`): see RoutingThresholds. */
export function thresholdFor(titolarioClass: string, thresholds: number | RoutingThresholds, comune?: string): number {
  if (typeof thresholds === 'number') return thresholds;
  const byClass = thresholds.byClass ?? {};
  const titolo = titolarioClass.split('.')[0]!;
  for (const key of [titolarioClass, titolo]) if (Object.hasOwn(byClass, key)) return byClass[key]!;
  const byComune = thresholds.byComune ?? {};
  if (comune !== undefined && Object.hasOwn(byComune, comune)) return byComune[comune]!;
  return thresholds.default;
}

/** Confidence factor of a route moved to another office because the chosen one does not serve the Comune. */
export const OUTSIDE_COMUNE_FACTOR = 0.5;

export interface RoutingOptions {
  /** The document's Comune: only offices serving it are suggested, and its threshold applies. */
  comune?: string;
}

interface Route {
  titolarioClass: string;
  office: string;
  confidence: number;
  reasons: string[];
}

export function decideRouting(
  rules: Classification,
  models: RoutingModels,
  text: string,
  ref: ReferenceData,
  thresholds: number | RoutingThresholds,
  options: RoutingOptions = {},
): RoutingDecision {
  const { comune } = options;
  const { titolarioClass: classModel, office: officeModel } = models;
  const decided = (route: Route, decidedBy: string): RoutingDecision => {
    const r = comune === undefined ? route : withinComune(route, comune, rules, ref);
    const threshold = thresholdFor(r.titolarioClass, thresholds, comune);
    return {
      mode: r.confidence >= threshold ? 'auto' : 'review',
      titolarioClass: r.titolarioClass,
      titolarioLabel: ref.lookupClass(r.titolarioClass)?.label,
      office: r.office,
      officeName: ref.lookupOffice(r.office)?.name,
      confidence: r.confidence,
      threshold,
      decidedBy,
      reasons: r.reasons,
    };
  };
  if (!classModel || !officeModel) {
    const decision = decided(
      {
        titolarioClass: rules.titolarioClass.value,
        office: rules.office.value,
        confidence: Math.min(rules.titolarioClass.confidence, rules.office.confidence),
        reasons: [...rules.titolarioClass.reasons, ...rules.office.reasons].slice(0, 10),
      },
      'rules',
    );
    // The rules' own labels, as before (the same as the reference data's for a route they chose).
    if (decision.titolarioClass === rules.titolarioClass.value) decision.titolarioLabel = rules.titolarioClass.label;
    if (decision.office === rules.office.value) decision.officeName = rules.office.name;
    return decision;
  }
  const cls = predict(classModel, text);
  const office = predict(officeModel, text);
  const terms = explain(classModel, text, { top: 6 }).topTerms.map((t) => `term "${t.term}" → ${cls.label}`);
  return decided(
    {
      titolarioClass: cls.label,
      office: office.label,
      confidence: Math.min(cls.probability, office.probability),
      reasons: [
        `p(class ${cls.label}) = ${cls.probability.toFixed(3)}`,
        `p(office ${office.label}) = ${office.probability.toFixed(3)}`,
        ...terms,
      ],
    },
    `model:titolarioClass@${classModel.version ?? '?'},office@${officeModel.version ?? '?'}`,
  );
}

/**
 * The route of a document of `comune`: unchanged when its office serves the Comune; otherwise the best office of the
 * Comune for the same class (the rules' office, then the rules' other candidates, then the class's first office of
 * the Comune) with confidence × OUTSIDE_COMUNE_FACTOR; when the Comune has no office for the class, the Comune's
 * fallback route with confidence 0 (review). The first reason says why.
 */
function withinComune(route: Route, comune: string, rules: Classification, ref: ReferenceData): Route {
  const chosen = ref.lookupOffice(route.office);
  if (!chosen || servesComune(chosen, comune)) return route;
  const cls = route.titolarioClass;
  const eligible = new Set(ref.officesForClass(cls, comune).map((o) => o.id));
  const ranked = [
    ...(rules.titolarioClass.value === cls ? [rules.office.value] : []),
    ...rules.office.candidates.map((c) => c.value),
    ...eligible,
  ];
  const substitute = ranked.find((id) => eligible.has(id));
  if (substitute) {
    const confidence = Math.round(route.confidence * OUTSIDE_COMUNE_FACTOR * 1000) / 1000;
    return {
      titolarioClass: cls,
      office: substitute,
      confidence,
      reasons: [
        `office ${route.office} does not serve Comune ${comune} → ${substitute}, the best office of ${comune} for ${cls} (confidence ×${OUTSIDE_COMUNE_FACTOR})`,
        ...route.reasons,
      ].slice(0, 10),
    };
  }
  const fallback = ref.fallbackRouteFor(comune);
  if (fallback) {
    return {
      ...fallback,
      confidence: 0,
      reasons: [
        `office ${route.office} does not serve Comune ${comune} and no office of ${comune} handles ${cls} → fallback ${fallback.titolarioClass} / ${fallback.office}`,
        ...route.reasons,
      ].slice(0, 10),
    };
  }
  return {
    ...route,
    confidence: 0,
    reasons: [`no office serves Comune ${comune}: ${route.office} kept for a person to decide`, ...route.reasons].slice(
      0,
      10,
    ),
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
