// Rule-based classifier: keyword rules from config/classification-rules.json decide the document type, the
// procedure type and the route (titolario class + office); entities add evidence. Every decision carries a
// confidence and the matched rules, so a records manager can see why, and a trained model can later replace the
// keyword decision while keeping the same Classification shape and the same entity extractor.
import { DOCUMENT_TYPE_LABELS, PROCEDURE_LABELS, type DocumentType, type ProcedureType } from '../domain/vocabulary.ts';
import type { Classification, Decision, ExtractedEntities } from './classification.ts';
import { extractEntities, formatCadastral, formatPracticeRef, formatProtocol, formatAddress } from './entities.ts';
import type { ClassificationRules, KeywordRule, ReferenceData } from './reference-data.ts';

export const CLASSIFIER_NAME = 'rules';

// ── OCR-tolerant phrase matching ─────────────────────────────────────────────────────────────────────────────

/**
 * Text folded for matching: accents stripped, lower case, everything but letters and digits dropped, and OCR
 * look-alikes merged (0→o; 1, i, l, | → l). `map[i]` is the offset in the original text of folded char i.
 */
export interface FoldedText {
  original: string;
  folded: string;
  map: number[];
}

const FOLD: Record<string, string> = { '0': 'o', '1': 'l', i: 'l', '|': 'l' };

export function foldForMatching(original: string): FoldedText {
  let folded = '';
  const map: number[] = [];
  for (let i = 0; i < original.length; i++) {
    const decomposed = original[i]!.normalize('NFKD').toLowerCase();
    for (const c of decomposed) {
      if (!/[a-z0-9|]/.test(c)) continue;
      folded += FOLD[c] ?? c;
      map.push(i);
    }
  }
  return { original, folded, map };
}

/** A phrase compiled for matching; `*` at either end lifts the whole-word requirement on that side. */
export interface CompiledPhrase {
  text: string;
  folded: string;
  wholeStart: boolean;
  wholeEnd: boolean;
}

/** Phrases this long (folded) are distinctive enough to match inside run-together OCR text. */
const LONG_PHRASE = 12;

export function compilePhrase(text: string): CompiledPhrase {
  const t = text.trim();
  const folded = foldForMatching(t.replace(/^\*|\*$/g, '')).folded;
  const long = folded.length >= LONG_PHRASE;
  return { text: t, folded, wholeStart: !t.startsWith('*') && !long, wholeEnd: !t.endsWith('*') && !long };
}

export interface PhraseHit {
  page: number;
  offset: number;
  end: number;
  raw: string;
}

const ALNUM = /[\p{L}\p{N}]/u;

/** Every occurrence of a phrase in the folded pages (page is 1-based; offsets are in the original text). */
export function findPhrase(pages: FoldedText[], phrase: CompiledPhrase): PhraseHit[] {
  const hits: PhraseHit[] = [];
  if (phrase.folded.length === 0) return hits;
  pages.forEach((p, i) => {
    let from = 0;
    for (;;) {
      const pos = p.folded.indexOf(phrase.folded, from);
      if (pos < 0) break;
      from = pos + 1;
      const last = pos + phrase.folded.length - 1;
      const start = p.map[pos]!;
      const end = p.map[last]! + 1;
      if (phrase.wholeStart) {
        if (pos > 0 && p.map[pos - 1] === start) continue; // starts inside a decomposed character
        if (start > 0 && ALNUM.test(p.original[start - 1]!)) continue;
      }
      if (phrase.wholeEnd) {
        if (last + 1 < p.folded.length && p.map[last + 1] === p.map[last]) continue;
        if (end < p.original.length && ALNUM.test(p.original[end]!)) continue;
      }
      hits.push({ page: i + 1, offset: start, end, raw: p.original.slice(start, end) });
    }
  });
  return hits;
}

// ── keyword scoring ──────────────────────────────────────────────────────────────────────────────────────────

interface CompiledKeyword extends CompiledPhrase {
  weight: number;
}

interface KeywordHit {
  keyword: CompiledKeyword;
  count: number;
  first: PhraseHit;
  points: number;
}

interface RuleScore {
  score: number;
  hits: KeywordHit[];
}

const REPEAT_BONUS = 0.2;
const MAX_REPEATS = 5;

function compileKeywords(keywords: KeywordRule[]): CompiledKeyword[] {
  return keywords.map((k) => ({ ...compilePhrase(k.text), weight: k.weight }));
}

/**
 * Score one rule: each keyword counts once (+20% per repeat, at most 5); an occurrence lying inside a longer
 * keyword's occurrence of the same rule does not count again ("fine lavori" inside "comunicazione di fine lavori").
 */
function scoreKeywords(pages: FoldedText[], keywords: CompiledKeyword[]): RuleScore {
  const occurrences: Array<{ keyword: CompiledKeyword; hit: PhraseHit }> = [];
  for (const keyword of keywords) for (const hit of findPhrase(pages, keyword)) occurrences.push({ keyword, hit });
  occurrences.sort((a, b) => b.hit.end - b.hit.offset - (a.hit.end - a.hit.offset));
  const kept: typeof occurrences = [];
  for (const o of occurrences) {
    const inside = kept.some(
      (k) =>
        k.keyword !== o.keyword && k.hit.page === o.hit.page && k.hit.offset <= o.hit.offset && o.hit.end <= k.hit.end,
    );
    if (!inside) kept.push(o);
  }
  const byKeyword = new Map<CompiledKeyword, PhraseHit[]>();
  for (const o of kept) byKeyword.set(o.keyword, [...(byKeyword.get(o.keyword) ?? []), o.hit]);
  const hits: KeywordHit[] = [];
  let score = 0;
  for (const [keyword, list] of byKeyword) {
    list.sort((a, b) => a.page - b.page || a.offset - b.offset);
    const points = keyword.weight * (1 + REPEAT_BONUS * Math.min(list.length - 1, MAX_REPEATS));
    score += points;
    hits.push({ keyword, count: list.length, first: list[0]!, points });
  }
  hits.sort((a, b) => Math.abs(b.points) - Math.abs(a.points));
  return { score, hits };
}

// ── compiled rules (cached per rules object) ─────────────────────────────────────────────────────────────────

interface CompiledRules {
  documentTypes: Array<{ type: DocumentType; keywords: CompiledKeyword[] }>;
  procedureTypes: Array<{ type: ProcedureType; keywords: CompiledKeyword[] }>;
  routes: Array<{ id: string; titolarioClass: string; office: string; keywords: CompiledKeyword[] }>;
  protocolLetter: CompiledKeyword[];
}

const compiledCache = new WeakMap<ClassificationRules, CompiledRules>();

function compileRules(rules: ClassificationRules): CompiledRules {
  let c = compiledCache.get(rules);
  if (!c) {
    c = {
      documentTypes: rules.documentTypes.map((d) => ({ type: d.type, keywords: compileKeywords(d.keywords) })),
      procedureTypes: rules.procedureTypes.map((d) => ({ type: d.type, keywords: compileKeywords(d.keywords) })),
      routes: rules.routes.map((r) => ({ ...r, keywords: compileKeywords(r.keywords) })),
      protocolLetter: compileKeywords(rules.protocolLetter.keywords),
    };
    compiledCache.set(rules, c);
  }
  return c;
}

// ── confidence ───────────────────────────────────────────────────────────────────────────────────────────────

/** Evidence (saturating in the best score) times margin over the best competitor. */
export function confidenceFrom(top: number, runnerUp: number, saturation: number): number {
  if (top <= 0) return 0;
  const evidence = 1 - Math.exp(-top / saturation);
  const margin = (top - Math.max(0, runnerUp)) / top;
  return round(Math.max(0, Math.min(1, evidence * margin)));
}

const FALLBACK_CONFIDENCE = 0.2;

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function fmt(points: number): string {
  const r = Math.round(points * 10) / 10;
  return r >= 0 ? `+${r}` : `${r}`;
}

function keywordReason(hit: KeywordHit, target: string): string {
  const times = hit.count > 1 ? ` ×${hit.count}` : '';
  return `keyword "${hit.keyword.text}" → ${target} (${fmt(hit.points)}${times}, p.${hit.first.page})`;
}

interface Scored<T> {
  value: T;
  score: number;
  reasons: string[];
}

function decide<T>(
  scored: Scored<T>[],
  saturation: number,
  minimum: number,
): { best?: Scored<T>; decision?: Decision<T> } {
  const sorted = [...scored].sort((a, b) => b.score - a.score);
  const best = sorted[0];
  if (!best || best.score < minimum || best.score <= 0) return {};
  const runnerUp = sorted[1]?.score ?? 0;
  return {
    best,
    decision: {
      value: best.value,
      confidence: confidenceFrom(best.score, runnerUp, saturation),
      reasons: best.reasons,
      candidates: sorted
        .filter((s) => s.score > 0)
        .slice(0, 5)
        .map((s) => ({ value: s.value, score: round(s.score) })),
    },
  };
}

// ── the classifier ───────────────────────────────────────────────────────────────────────────────────────────

type EntityKind = 'practiceRef' | 'protocol' | 'cadastral' | 'address' | 'taxCode' | 'vatNumber';

function entityPresent(entities: ExtractedEntities, kind: EntityKind): { present: boolean; label: string } {
  const best = entities.best;
  switch (kind) {
    case 'practiceRef':
      return { present: !!best.practiceRef, label: best.practiceRef ? formatPracticeRef(best.practiceRef.value) : '' };
    case 'protocol':
      return { present: !!best.protocol, label: best.protocol ? formatProtocol(best.protocol.value) : '' };
    case 'cadastral':
      return { present: !!best.cadastral, label: best.cadastral ? formatCadastral(best.cadastral.value) : '' };
    case 'address':
      return { present: !!best.address, label: best.address ? formatAddress(best.address.value) : '' };
    case 'taxCode':
      return { present: !!best.taxCode, label: 'codice fiscale' };
    case 'vatNumber':
      return { present: !!best.vatNumber, label: 'partita IVA' };
  }
}

export interface ClassifyOptions {
  /**
   * The document's Comune: only the routing rules for it apply, and the fallback is an office serving it. Without it
   * every rule applies (one-Comune deployments, training and evaluation).
   */
  comune?: string;
}

/** Classify one document from the OCR text of its pages (index 0 = page 1). */
export function classifyDocument(pages: string[], ref: ReferenceData, options: ClassifyOptions = {}): Classification {
  const rules = ref.rules;
  const compiled = compileRules(rules);
  const { comune } = options;
  const applicable = comune === undefined ? undefined : new Set(ref.rulesFor(comune).map((r) => r.id));
  const { saturation, minimumEvidence } = rules.confidence;
  const folded = pages.map(foldForMatching);
  const entities = extractEntities(pages);
  const explanation: string[] = [];

  // 1. document type
  const docScored: Scored<DocumentType>[] = compiled.documentTypes.map(({ type, keywords }) => {
    const s = scoreKeywords(folded, keywords);
    return { value: type, score: s.score, reasons: s.hits.map((h) => keywordReason(h, type)) };
  });
  const doc = decide(docScored, saturation, minimumEvidence);
  const fallbackDoc = rules.fallback.documentType;
  const documentType: Classification['documentType'] = doc.decision
    ? { ...doc.decision, label: DOCUMENT_TYPE_LABELS[doc.decision.value] }
    : {
        value: fallbackDoc,
        confidence: FALLBACK_CONFIDENCE,
        reasons: [`fallback → ${fallbackDoc} (no document-type rule matched)`],
        candidates: [{ value: fallbackDoc, score: 0 }],
        label: DOCUMENT_TYPE_LABELS[fallbackDoc],
      };
  const documentTypeIsFallback = !doc.decision;
  explanation.push(
    `documentType ${documentType.value} (confidence ${documentType.confidence})`,
    ...documentType.reasons,
  );

  // 2. procedure type: keywords plus practice references that name their procedure
  const procScored: Scored<ProcedureType>[] = compiled.procedureTypes.map(({ type, keywords }) => {
    const s = scoreKeywords(folded, keywords);
    return { value: type, score: s.score, reasons: s.hits.map((h) => keywordReason(h, type)) };
  });
  const refsByProcedure = new Map<ProcedureType, typeof entities.practiceRefs>();
  for (const r of entities.practiceRefs) {
    if (!r.value.procedureType) continue;
    refsByProcedure.set(r.value.procedureType, [...(refsByProcedure.get(r.value.procedureType) ?? []), r]);
  }
  for (const [type, refs] of refsByProcedure) {
    const points = rules.practiceRefProcedureWeight * (1 + REPEAT_BONUS * Math.min(refs.length - 1, MAX_REPEATS));
    let entry = procScored.find((p) => p.value === type);
    if (!entry) procScored.push((entry = { value: type, score: 0, reasons: [] }));
    entry.score += points;
    entry.reasons.unshift(`practiceRef "${refs[0]!.raw.trim()}" → ${type} (${fmt(points)}, p.${refs[0]!.page})`);
  }
  const proc = decide(procScored, saturation, minimumEvidence);
  const procedureType: Classification['procedureType'] = proc.decision
    ? { ...proc.decision, label: PROCEDURE_LABELS[proc.decision.value] }
    : undefined;
  if (procedureType) {
    explanation.push(
      `procedureType ${procedureType.value} (confidence ${procedureType.confidence})`,
      ...procedureType.reasons,
    );
  }

  // 3. route (titolario class + office): keywords plus boosts from entities, document type and procedure
  const routeScored = compiled.routes
    .filter((route) => !applicable || applicable.has(route.id))
    .map((route) => {
      const s = scoreKeywords(folded, route.keywords);
      return {
        value: route.id,
        route,
        score: s.score,
        reasons: s.hits.map((h) => keywordReason(h, `route ${route.id}`)),
      };
    });
  for (const boost of rules.routeBoosts) {
    const target = routeScored.find((r) => r.value === boost.route);
    if (!target) continue;
    let points = 0;
    let why = '';
    if (boost.ifEntity) {
      const e = entityPresent(entities, boost.ifEntity);
      if (e.present) ((points = boost.weight), (why = `entity ${boost.ifEntity} "${e.label}"`));
    } else if (boost.ifDocumentType) {
      if (!documentTypeIsFallback && boost.ifDocumentType.includes(documentType.value)) {
        points = boost.weight * documentType.confidence;
        why = `documentType ${documentType.value} (${documentType.confidence})`;
      }
    } else if (boost.ifProcedureType && procedureType) {
      points = boost.weight * procedureType.confidence;
      why = `procedureType ${procedureType.value} (${procedureType.confidence})`;
    }
    if (points !== 0) {
      target.score += points;
      target.reasons.unshift(`${why} → route ${target.value} (${fmt(points)})`);
    }
  }
  const sortedRoutes = [...routeScored].sort((a, b) => b.score - a.score);
  const topRoute = sortedRoutes[0];
  const routed = topRoute !== undefined && topRoute.score >= minimumEvidence && topRoute.score > 0;
  const fb = (comune !== undefined ? ref.fallbackRouteFor(comune) : undefined) ?? rules.fallback.route;
  const chosen = routed
    ? { titolarioClass: topRoute.route.titolarioClass, office: topRoute.route.office, reasons: topRoute.reasons }
    : {
        titolarioClass: fb.titolarioClass,
        office: fb.office,
        reasons: [`fallback → ${fb.titolarioClass} / ${fb.office} (no routing rule matched)`],
      };

  // Class and office confidences compare with the best route leading to a *different* class / office.
  const bestOther = (pick: (r: (typeof routeScored)[number]) => string, value: string) =>
    sortedRoutes.find((r) => pick(r) !== value)?.score ?? 0;
  const aggregate = (pick: (r: (typeof routeScored)[number]) => string) => {
    const m = new Map<string, number>();
    for (const r of sortedRoutes) if (r.score > 0 && !m.has(pick(r))) m.set(pick(r), round(r.score));
    return [...m].slice(0, 5).map(([value, score]) => ({ value, score }));
  };
  const classConfidence = routed
    ? confidenceFrom(
        topRoute.score,
        bestOther((r) => r.route.titolarioClass, chosen.titolarioClass),
        saturation,
      )
    : FALLBACK_CONFIDENCE;
  const officeConfidence = routed
    ? confidenceFrom(
        topRoute.score,
        bestOther((r) => r.route.office, chosen.office),
        saturation,
      )
    : FALLBACK_CONFIDENCE;

  const entry = ref.lookupClass(chosen.titolarioClass);
  const office = ref.lookupOffice(chosen.office);
  const titolarioClass: Classification['titolarioClass'] = {
    value: chosen.titolarioClass,
    confidence: classConfidence,
    reasons: chosen.reasons,
    candidates: routed ? aggregate((r) => r.route.titolarioClass) : [{ value: fb.titolarioClass, score: 0 }],
    label: entry?.label ?? '',
    titolo: entry?.titolo ?? '',
    titoloLabel: entry?.titoloLabel ?? '',
  };
  const officeDecision: Classification['office'] = {
    value: chosen.office,
    confidence: officeConfidence,
    reasons: routed
      ? [`route ${topRoute.value}: ${chosen.titolarioClass} → ${chosen.office}`, ...chosen.reasons]
      : chosen.reasons,
    candidates: routed ? aggregate((r) => r.route.office) : [{ value: fb.office, score: 0 }],
    name: office?.name ?? chosen.office,
  };
  explanation.push(
    `titolario ${titolarioClass.value} "${titolarioClass.label}" (confidence ${titolarioClass.confidence})`,
    `office ${officeDecision.value} "${officeDecision.name}" (confidence ${officeDecision.confidence})`,
    ...chosen.reasons,
  );

  // 4. incoming protocol letter?
  const pl = rules.protocolLetter;
  const plScore = scoreKeywords(folded, compiled.protocolLetter);
  let letterScore = plScore.score;
  const letterReasons = plScore.hits.map((h) => keywordReason(h, 'protocolLetter'));
  for (const [kind, weight] of Object.entries(pl.entityWeights) as Array<[EntityKind, number]>) {
    const e = entityPresent(entities, kind);
    if (e.present && weight !== 0) {
      letterScore += weight;
      letterReasons.push(`entity ${kind} "${e.label}" → protocolLetter (${fmt(weight)})`);
    }
  }
  const dtWeight = pl.documentTypeWeights[documentType.value];
  if (dtWeight !== undefined && dtWeight !== 0) {
    letterScore += dtWeight;
    letterReasons.push(`documentType ${documentType.value} → protocolLetter (${fmt(dtWeight)})`);
  }
  const isLetter = letterScore >= pl.threshold;
  const p = 1 / (1 + Math.exp(-(letterScore - (pl.threshold - 0.5))));
  const protocolLetter = {
    value: isLetter,
    confidence: round(isLetter ? p : 1 - p),
    score: round(letterScore),
    reasons: letterReasons,
  };
  explanation.push(
    `protocolLetter ${isLetter} (score ${protocolLetter.score}, threshold ${pl.threshold})`,
    ...letterReasons,
  );

  return {
    classifier: { name: CLASSIFIER_NAME, version: rules.version },
    documentType,
    ...(procedureType ? { procedureType } : {}),
    titolarioClass,
    office: officeDecision,
    protocolLetter,
    entities,
    explanation,
  };
}
