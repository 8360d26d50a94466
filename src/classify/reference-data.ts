// Reference data of the classify step, shipped as editable JSON in config/: the 2005 titolario for Comuni, the
// offices with the classes they handle, and the keyword rules. Validated with zod and cross-checked on load.
// In a union of Comuni an office or a routing rule may belong to some Comuni only (`comuni`); without it, it is shared
// by every Comune of the union.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DOCUMENT_TYPES, PROCEDURE_TYPES } from '../domain/vocabulary.ts';
import { comuneCodeSchema } from '../tenancy/comuni.ts';

// ── titolario ────────────────────────────────────────────────────────────────────────────────────────────────

const ROMAN = /^(?:X{0,3})(?:IX|IV|V?I{0,3})$/;

export const titolarioSchema = z.object({
  title: z.string(),
  edition: z.string(),
  source: z.string().optional(),
  note: z.string().optional(),
  titoli: z
    .array(
      z.object({
        code: z.string().regex(ROMAN, 'titolo code must be a roman numeral'),
        number: z.number().int().positive(),
        label: z.string().min(1),
        classi: z.array(z.object({ number: z.number().int().positive(), label: z.string().min(1) })),
      }),
    )
    .min(1),
});
export type Titolario = z.infer<typeof titolarioSchema>;

/** One classifiable entry: a classe ("VI.3"), or a titolo without classi ("XIV"). */
export interface TitolarioEntry {
  code: string;
  titolo: string;
  titoloNumber: number;
  titoloLabel: string;
  classe?: number;
  label: string;
}

// ── offices ──────────────────────────────────────────────────────────────────────────────────────────────────

export const CLASS_CODE = /^[IVX]+(?:\.\d+)?$/;

/** Codes of the Comuni an office serves or a rule applies to; absent = every Comune of the union. */
const comuniSchema = z
  .array(comuneCodeSchema)
  .min(1, 'list at least one Comune, or leave "comuni" out for all')
  .optional();

export const officesSchema = z.object({
  note: z.string().optional(),
  offices: z
    .array(
      z.object({
        id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'office id: lower-case letters, digits and dashes'),
        name: z.string().min(1),
        description: z.string().optional(),
        classes: z.array(z.string().regex(CLASS_CODE, 'class code like "VI.3"')),
        /** User id suggested as assignee of documents routed to the office (the office's head, usually). */
        responsabile: z.string().min(1).optional(),
        /** The Comuni the office serves (Belfiore codes, e.g. ["E730"]); absent = shared by every Comune. */
        comuni: comuniSchema,
      }),
    )
    .min(1),
});
export type OfficesFile = z.infer<typeof officesSchema>;
export type Office = OfficesFile['offices'][number];

// ── classification rules ─────────────────────────────────────────────────────────────────────────────────────

const keywordSchema = z
  .union([z.string().min(1), z.object({ text: z.string().min(1), weight: z.number().refine((w) => w !== 0) })])
  .transform((k) => (typeof k === 'string' ? { text: k, weight: 1 } : k));
export type KeywordRule = z.output<typeof keywordSchema>;

const keywordsSchema = z.array(keywordSchema);

const ENTITY_KINDS = ['practiceRef', 'protocol', 'cadastral', 'address', 'taxCode', 'vatNumber'] as const;

export const classificationRulesSchema = z.object({
  version: z.string().min(1),
  syntax: z.string().optional(),
  documentTypes: z.array(z.object({ type: z.enum(DOCUMENT_TYPES), keywords: keywordsSchema })),
  procedureTypes: z.array(z.object({ type: z.enum(PROCEDURE_TYPES), keywords: keywordsSchema })),
  routes: z
    .array(
      z.object({
        id: z.string().min(1),
        titolarioClass: z.string().regex(CLASS_CODE),
        office: z.string().min(1),
        keywords: keywordsSchema,
        /** The Comuni whose documents the rule routes; absent = every Comune its office serves. */
        comuni: comuniSchema,
      }),
    )
    .min(1),
  /** Weight a practice reference naming its procedure ("SCIA n. 45/2019") adds to that procedure type. */
  practiceRefProcedureWeight: z.number().nonnegative().default(3),
  routeBoosts: z
    .array(
      z
        .object({
          route: z.string(),
          weight: z.number(),
          ifEntity: z.enum(ENTITY_KINDS).optional(),
          ifDocumentType: z.array(z.enum(DOCUMENT_TYPES)).optional(),
          ifProcedureType: z.literal(true).optional(),
        })
        .refine(
          (b) => [b.ifEntity, b.ifDocumentType, b.ifProcedureType].filter((x) => x !== undefined).length === 1,
          'a boost needs exactly one of ifEntity, ifDocumentType, ifProcedureType',
        ),
    )
    .default([]),
  protocolLetter: z.object({
    threshold: z.number(),
    keywords: keywordsSchema,
    entityWeights: z.partialRecord(z.enum(ENTITY_KINDS), z.number()).default({}),
    documentTypeWeights: z.partialRecord(z.enum(DOCUMENT_TYPES), z.number()).default({}),
  }),
  fallback: z.object({
    documentType: z.enum(DOCUMENT_TYPES),
    route: z.object({ titolarioClass: z.string().regex(CLASS_CODE), office: z.string() }),
  }),
  confidence: z
    .object({
      /** Score at which confidence from evidence alone reaches 1 - 1/e (≈ 0.63). */
      saturation: z.number().positive().default(4),
      /** Below this best score the decision falls back. */
      minimumEvidence: z.number().nonnegative().default(1),
    })
    .default({ saturation: 4, minimumEvidence: 1 }),
});
export type ClassificationRules = z.output<typeof classificationRulesSchema>;
export type RoutingRule = ClassificationRules['routes'][number];

/** Whether an office (or a rule) serves a Comune: a shared one (no `comuni`) serves every Comune. */
export function servesComune(item: { comuni?: readonly string[] }, comune: string): boolean {
  return !item.comuni || item.comuni.includes(comune.toUpperCase());
}

// ── loaded, cross-checked reference data ─────────────────────────────────────────────────────────────────────

export interface ReferenceData {
  titolario: Titolario;
  offices: Office[];
  rules: ClassificationRules;
  /** Every classifiable titolario entry by code ("VI.3", "XIV"). */
  entries: ReadonlyMap<string, TitolarioEntry>;
  /** The titolario entry for a code, or undefined. Accepts "VI.3", "vi.3", "VI/3", "6.3". */
  lookupClass(code: string): TitolarioEntry | undefined;
  lookupOffice(id: string): Office | undefined;
  /** Offices handling a class, in file order (the first is the default); with `comune`, only those serving it. */
  officesForClass(code: string, comune?: string): Office[];
  /** Offices serving a Comune (its own and the shared ones), in file order. */
  officesFor(comune: string): Office[];
  /** Routing rules for a Comune's documents: the rule applies to the Comune and its office serves it. */
  rulesFor(comune: string): RoutingRule[];
  /**
   * Where a Comune's document goes when no rule matches: the configured fallback when its office serves the Comune,
   * else the first office of the Comune handling the fallback class; undefined when the Comune has none.
   */
  fallbackRouteFor(comune: string): { titolarioClass: string; office: string } | undefined;
}

export class ReferenceDataError extends Error {
  constructor(
    message: string,
    readonly issues: string[],
  ) {
    super(`${message}:\n  - ${issues.join('\n  - ')}`);
    this.name = 'ReferenceDataError';
  }
}

export interface ReferenceDataOptions {
  /** The union's Comuni: when given, offices and rules may name only these, and each needs a fallback office. */
  comuni?: readonly string[];
}

export interface ReferenceDataPaths {
  /** Directory holding titolario.json, offices.json, classification-rules.json. Default: <repo>/config. */
  configDir?: string;
  titolarioPath?: string;
  officesPath?: string;
  rulesPath?: string;
}

export const DEFAULT_CONFIG_DIR = fileURLToPath(new URL('../../config/', import.meta.url));

const ROMAN_VALUES: Record<string, number> = { I: 1, V: 5, X: 10 };
function romanToInt(r: string): number {
  let total = 0;
  for (let i = 0; i < r.length; i++) {
    const v = ROMAN_VALUES[r[i]!] ?? 0;
    const next = ROMAN_VALUES[r[i + 1] ?? ''] ?? 0;
    total += v < next ? -v : v;
  }
  return total;
}
function intToRoman(n: number): string {
  const table: Array<[number, string]> = [
    [10, 'X'],
    [9, 'IX'],
    [5, 'V'],
    [4, 'IV'],
    [1, 'I'],
  ];
  let out = '';
  for (const [v, s] of table) while (n >= v) ((out += s), (n -= v));
  return out;
}

/** Canonical class code: "vi.3" / "VI/3" / "VI-3" / "6.3" / " VI . 03 " → "VI.3"; "xiv" → "XIV". */
export function normaliseClassCode(code: string): string {
  const m = /^\s*([IVXivx]+|\d{1,2})\s*(?:[./\-–]\s*0*(\d{1,2}))?\s*$/.exec(code);
  if (!m) return code.trim();
  const titolo = /^\d+$/.test(m[1]!) ? intToRoman(Number(m[1])) : m[1]!.toUpperCase();
  return m[2] ? `${titolo}.${Number(m[2])}` : titolo;
}

function formatZodIssues(file: string, error: z.ZodError): string[] {
  return error.issues.map((i) => `${file}: ${i.path.join('.') || '(root)'}: ${i.message}`);
}

/** Validate raw JSON values and build the reference data; throws ReferenceDataError listing every problem. */
export function buildReferenceData(
  raw: { titolario: unknown; offices: unknown; rules: unknown },
  options: ReferenceDataOptions = {},
): ReferenceData {
  const t = titolarioSchema.safeParse(raw.titolario);
  const o = officesSchema.safeParse(raw.offices);
  const r = classificationRulesSchema.safeParse(raw.rules);
  const schemaIssues = [
    ...(t.success ? [] : formatZodIssues('titolario', t.error)),
    ...(o.success ? [] : formatZodIssues('offices', o.error)),
    ...(r.success ? [] : formatZodIssues('classification-rules', r.error)),
  ];
  if (!t.success || !o.success || !r.success) throw new ReferenceDataError('Invalid reference data', schemaIssues);
  const titolario = t.data;
  const offices = o.data.offices;
  const rules = r.data;

  const issues: string[] = [];
  const entries = new Map<string, TitolarioEntry>();
  const seenTitoli = new Set<string>();
  for (const ti of titolario.titoli) {
    if (seenTitoli.has(ti.code)) issues.push(`titolario: titolo ${ti.code} appears twice`);
    seenTitoli.add(ti.code);
    if (romanToInt(ti.code) !== ti.number) issues.push(`titolario: titolo ${ti.code} has number ${ti.number}`);
    if (ti.classi.length === 0) {
      entries.set(ti.code, {
        code: ti.code,
        titolo: ti.code,
        titoloNumber: ti.number,
        titoloLabel: ti.label,
        label: ti.label,
      });
    }
    ti.classi.forEach((c, i) => {
      if (c.number !== i + 1) issues.push(`titolario: titolo ${ti.code} classe #${i + 1} is numbered ${c.number}`);
      const code = `${ti.code}.${c.number}`;
      entries.set(code, {
        code,
        titolo: ti.code,
        titoloNumber: ti.number,
        titoloLabel: ti.label,
        classe: c.number,
        label: c.label,
      });
    });
  }

  const officeById = new Map<string, Office>();
  const byClass = new Map<string, Office[]>();
  /** Comuni named anywhere in offices and rules: each must end up with a fallback office. */
  const union = options.comuni ? new Set(options.comuni.map((c) => c.toUpperCase())) : undefined;
  const named = new Set<string>(union);
  const checkComuni = (where: string, comuni: readonly string[] | undefined) => {
    for (const [i, code] of (comuni ?? []).entries()) {
      if (comuni!.indexOf(code) !== i) issues.push(`${where}: Comune ${code} appears twice`);
      if (union && !union.has(code)) issues.push(`${where}: Comune ${code} is not a Comune of the union`);
      named.add(code);
    }
  };
  for (const office of offices) {
    if (officeById.has(office.id)) issues.push(`offices: id "${office.id}" appears twice`);
    officeById.set(office.id, office);
    checkComuni(`offices: ${office.id}`, office.comuni);
    for (const code of office.classes) {
      if (!entries.has(code)) issues.push(`offices: ${office.id} handles "${code}", not a class of the titolario`);
      byClass.set(code, [...(byClass.get(code) ?? []), office]);
    }
  }

  const routeIds = new Set<string>();
  for (const route of rules.routes) {
    if (routeIds.has(route.id)) issues.push(`classification-rules: route id "${route.id}" appears twice`);
    routeIds.add(route.id);
    if (!entries.has(route.titolarioClass))
      issues.push(`classification-rules: route ${route.id}: "${route.titolarioClass}" is not a titolario class`);
    const office = officeById.get(route.office);
    if (!office) issues.push(`classification-rules: route ${route.id}: unknown office "${route.office}"`);
    else if (!office.classes.includes(route.titolarioClass))
      issues.push(
        `classification-rules: route ${route.id}: office ${route.office} does not handle ${route.titolarioClass}`,
      );
    checkComuni(`classification-rules: route ${route.id}`, route.comuni);
    if (office)
      for (const code of route.comuni ?? [])
        if (!servesComune(office, code))
          issues.push(`classification-rules: route ${route.id}: office ${route.office} does not serve Comune ${code}`);
  }
  for (const boost of rules.routeBoosts) {
    if (!routeIds.has(boost.route)) issues.push(`classification-rules: boost names unknown route "${boost.route}"`);
  }
  const fb = rules.fallback.route;
  if (!entries.has(fb.titolarioClass))
    issues.push(`classification-rules: fallback class "${fb.titolarioClass}" not in titolario`);
  if (!officeById.get(fb.office)?.classes.includes(fb.titolarioClass))
    issues.push(`classification-rules: fallback office "${fb.office}" does not handle ${fb.titolarioClass}`);

  const officesForClass = (code: string, comune?: string) => {
    const all = byClass.get(normaliseClassCode(code)) ?? [];
    return comune === undefined ? all : all.filter((o) => servesComune(o, comune));
  };
  const fallbackRouteFor = (comune: string) => {
    const configured = officeById.get(fb.office);
    if (configured && servesComune(configured, comune)) return { ...fb };
    const office = officesForClass(fb.titolarioClass, comune)[0];
    return office ? { titolarioClass: fb.titolarioClass, office: office.id } : undefined;
  };
  for (const code of named)
    if (!fallbackRouteFor(code))
      issues.push(`offices: no office serving Comune ${code} handles the fallback class ${fb.titolarioClass}`);
  if (issues.length > 0) throw new ReferenceDataError('Inconsistent reference data', issues);

  // Per-Comune views are asked for every document: computed once per Comune.
  const memo = <T>(compute: (comune: string) => T) => {
    const cache = new Map<string, T>();
    return (comune: string): T => {
      const key = comune.toUpperCase();
      if (!cache.has(key)) cache.set(key, compute(key));
      return cache.get(key)!;
    };
  };
  return {
    titolario,
    offices,
    rules,
    entries,
    lookupClass: (code) => entries.get(normaliseClassCode(code)),
    lookupOffice: (id) => officeById.get(id),
    officesForClass,
    officesFor: memo((comune) => offices.filter((o) => servesComune(o, comune))),
    rulesFor: memo((comune) =>
      rules.routes.filter((r) => servesComune(r, comune) && servesComune(officeById.get(r.office)!, comune)),
    ),
    fallbackRouteFor,
  };
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ReferenceDataError('Cannot read reference data', [`${file}: ${(err as Error).message}`]);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ReferenceDataError('Invalid JSON in reference data', [`${file}: ${(err as Error).message}`]);
  }
}

/** Resolve the three file paths (explicit path > configDir > <repo>/config). */
export function referenceDataPaths(paths: ReferenceDataPaths = {}): Required<Omit<ReferenceDataPaths, 'configDir'>> {
  const dir = paths.configDir ?? DEFAULT_CONFIG_DIR;
  return {
    titolarioPath: paths.titolarioPath ?? path.join(dir, 'titolario.json'),
    officesPath: paths.officesPath ?? path.join(dir, 'offices.json'),
    rulesPath: paths.rulesPath ?? path.join(dir, 'classification-rules.json'),
  };
}

/** Load and validate the reference data from disk (synchronous: meant for start-up). */
export function loadReferenceData(paths: ReferenceDataPaths & ReferenceDataOptions = {}): ReferenceData {
  const p = referenceDataPaths(paths);
  return buildReferenceData(
    {
      titolario: readJson(p.titolarioPath),
      offices: readJson(p.officesPath),
      rules: readJson(p.rulesPath),
    },
    { comuni: paths.comuni },
  );
}
