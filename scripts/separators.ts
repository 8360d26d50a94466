// Prints separator sheets (A4 PDF, one sheet per separator) for the people preparing boxes for scanning.
//   npx tsx scripts/separators.ts --out separatori.pdf --csv pratiche.csv [--types elaborato_grafico,relazione_tecnica]
//   npx tsx scripts/separators.ts --out separatori.pdf --comune Siena --pratica "PE 123/1987" [--proc permesso_di_costruire] [--box "Scaffale 3"]
//   npx tsx scripts/separators.ts --out tipi.pdf --types elaborato_grafico --copies 20      (reusable type sheets)
//   npx tsx scripts/separators.ts --out generici.pdf --generic 10
// CSV: a header row with comune, pratica, and optionally procedimento and collocazione (',' or ';' separated). Practice
// numbers are normalised ("P.E. n. 123/87" → "PE 123/1987"); procedures may be codes or labels ("Permesso di costruire").
// With --types, each practice sheet is followed by one sheet per type, printed for that practice.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import { parsePracticeKey } from '../src/classify/practice-keys.ts';
import {
  DOCUMENT_TYPES,
  PROCEDURE_LABELS,
  PROCEDURE_TYPES,
  type DocumentType,
  type ProcedureType,
} from '../src/domain/vocabulary.ts';
import {
  describeSeparator,
  encodeSeparator,
  InvalidSeparatorError,
  type SeparatorPayload,
} from '../src/scan/separator.payload.ts';
import { separatorSheetsPdf } from '../src/scan/separator.sheet.ts';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    csv: { type: 'string' },
    comune: { type: 'string' },
    pratica: { type: 'string' },
    proc: { type: 'string' },
    box: { type: 'string' },
    types: { type: 'string' },
    generic: { type: 'string' },
    copies: { type: 'string', default: '1' },
    issuer: { type: 'string' },
    date: { type: 'string' },
    'qr-mm': { type: 'string' },
  },
});

const errors: string[] = [];
const fail = (msg: string): never => {
  console.error(msg);
  process.exit(2);
};
if (!values.out)
  fail('Uso: --out FILE.pdf e almeno uno tra --csv, --pratica, --types, --generic (vedi l’intestazione dello script).');

const fold = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
const PROC_BY_NAME = new Map<string, ProcedureType>(
  PROCEDURE_TYPES.flatMap((p) => [[fold(p), p] as const, [fold(PROCEDURE_LABELS[p]), p] as const]),
);

function procedure(raw: string | undefined, where: string): ProcedureType | undefined {
  if (!raw?.trim()) return undefined;
  const p = PROC_BY_NAME.get(fold(raw));
  if (!p) errors.push(`${where}: procedimento "${raw}" sconosciuto (ammessi: ${PROCEDURE_TYPES.join(', ')})`);
  return p;
}

function practiceKey(raw: string | undefined, where: string): string | undefined {
  const key = raw ? parsePracticeKey(raw) : undefined;
  if (!key) errors.push(`${where}: numero di pratica "${raw ?? ''}" non riconosciuto (atteso ad es. "PE 123/1987")`);
  return key;
}

const types: DocumentType[] = (values.types ?? '')
  .split(',')
  .map((t) => t.trim())
  .filter(Boolean)
  .flatMap((t) => {
    if ((DOCUMENT_TYPES as readonly string[]).includes(t)) return [t as DocumentType];
    errors.push(`--types: tipo "${t}" sconosciuto (ammessi: ${DOCUMENT_TYPES.join(', ')})`);
    return [];
  });

interface PracticeRow {
  comune?: string;
  pratica?: string;
  proc?: string;
  box?: string;
  where: string;
}

const rows: PracticeRow[] = [];
if (values.csv) {
  const text = readFileSync(values.csv, 'utf8');
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  const records = parse(text, {
    columns: (h: string[]) => h.map((c) => fold(c)),
    delimiter,
    skip_empty_lines: true,
    trim: true,
    bom: true,
  }) as Array<Record<string, string>>;
  records.forEach((r, i) =>
    rows.push({
      comune: r.comune,
      pratica: r.pratica ?? r.numero ?? r.numeropratica,
      proc: r.procedimento ?? r.proc ?? r.tipoprocedimento,
      box: r.collocazione ?? r.box ?? r.faldone,
      where: `${values.csv} riga ${i + 2}`,
    }),
  );
}
if (values.pratica || values.comune)
  rows.push({ comune: values.comune, pratica: values.pratica, proc: values.proc, box: values.box, where: 'argomenti' });

const payloads: SeparatorPayload[] = [];
const copies = Math.max(1, Number(values.copies) || 1);
for (const row of rows) {
  const pratica = practiceKey(row.pratica, row.where);
  const proc = procedure(row.proc, row.where);
  if (!row.comune?.trim()) errors.push(`${row.where}: comune mancante`);
  if (!pratica || !row.comune?.trim()) continue;
  const sheets: SeparatorPayload[] = [
    { kind: 'practice', comune: row.comune.trim(), pratica, proc, box: row.box?.trim() || undefined },
    ...types.map((tipo): SeparatorPayload => ({ kind: 'document-type', tipo, pratica })),
  ];
  for (const s of sheets) {
    try {
      encodeSeparator(s); // validates
      for (let i = 0; i < copies; i++) payloads.push(s);
    } catch (err) {
      if (!(err instanceof InvalidSeparatorError)) throw err;
      errors.push(`${row.where}: ${err.message}`);
    }
  }
}
if (rows.length === 0)
  for (const tipo of types) for (let i = 0; i < copies; i++) payloads.push({ kind: 'document-type', tipo });
for (let i = 0; i < Number(values.generic ?? 0); i++) payloads.push({ kind: 'generic' });

if (errors.length)
  fail(`Nessun foglio stampato: ${errors.length} errori.\n${errors.map((e) => `  ✗ ${e}`).join('\n')}`);
if (payloads.length === 0) fail('Niente da stampare: indicare --csv, --pratica, --types o --generic.');

const pdf = await separatorSheetsPdf(payloads, {
  printedOn: values.date,
  issuer: values.issuer,
  qrSizeMm: values['qr-mm'] ? Number(values['qr-mm']) : undefined,
});
writeFileSync(values.out!, pdf);
const counts = payloads.reduce<Record<string, number>>((m, p) => ((m[p.kind] = (m[p.kind] ?? 0) + 1), m), {});
console.log(
  `Stampati ${payloads.length} fogli separatori in ${values.out}: ${counts.practice ?? 0} di pratica, ${counts['document-type'] ?? 0} di tipo documento, ${counts.generic ?? 0} generici.`,
);
for (const p of payloads.slice(0, 20)) console.log(`  • ${describeSeparator(p)}`);
if (payloads.length > 20) console.log(`  … e altri ${payloads.length - 20}`);
