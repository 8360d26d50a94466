// Shared wording of practice documents: how the applicant, the property, the procedure and the law are named,
// signatures and continuation headers.
import { PageBuilder, type Block, type Letterhead } from './content.model.ts';
import { anyDate, formatAddress, formatCadastral, fullName, g, glue, honorific, type SDate } from './content.format.ts';
import { codiceFiscale, TAX_IDS_FROM_YEAR } from './content.tax-ids.ts';
import type { Rng } from './random.ts';
import { applicantName, type Applicant, type PracticeCase, type Technician } from './content.practice.case.ts';

export interface Ctx {
  rng: Rng;
  c: PracticeCase;
  date: SDate;
  ref: string;
  wanted: number;
  protocolNumber?: number;
  protocolDate?: SDate;
}

export interface Built {
  pages: Block[][];
  letterhead?: Letterhead | 'none';
}


/** The applicant's name as written in running text: never split across lines. */
export function applicantText(a: Applicant): string {
  return glue(applicantName(a));
}

export function place(ctx: Ctx, date: SDate = ctx.date): string {
  return ctx.rng.chance(0.3)
    ? `${ctx.c.municipality.name}, lì ${anyDate(ctx.rng, date)}`
    : `${ctx.c.municipality.name}, ${anyDate(ctx.rng, date)}`;
}

export function addr(ctx: Ctx): string {
  return formatAddress(ctx.c.address, ctx.rng);
}

export function cad(ctx: Ctx): string {
  return formatCadastral(ctx.c.cadastral, ctx.rng);
}

export function catastoTable(ctx: Ctx, optional = false): { header: string[]; rows: string[][]; optional: boolean } {
  const k = ctx.c.cadastral;
  const header = k.subalterno ? ['Foglio', 'Mappale', 'Subalterno'] : ['Foglio', 'Mappale'];
  const row = k.subalterno ? [String(k.foglio), String(k.mappale), String(k.subalterno)] : [String(k.foglio), String(k.mappale)];
  if (ctx.rng.chance(0.5)) {
    header.push('Categoria');
    row.push(ctx.rng.pick(['A/2', 'A/3', 'A/7', 'C/6', 'C/2', 'D/7']));
  }
  return { header, rows: [row], optional };
}

/** "Il sottoscritto Mario Rossi, nato a Padova il 12/03/1950, C.F. RSSMRA50C12G224A," or the company form. */
export function applicantIntro(ctx: Ctx): string {
  const a = ctx.c.applicant;
  const taxIds = ctx.date.y >= TAX_IDS_FROM_YEAR;
  if (a.kind === 'person') {
    const p = a.person;
    const cf = taxIds ? ` ${glue(`C.F. ${codiceFiscale(p)}`)},` : '';
    return `${g(p, 'Il sottoscritto', 'La sottoscritta')} ${glue(fullName(p))}, ${g(p, 'nato', 'nata')} a ${p.birthPlace} il ${anyDate(ctx.rng, p.birthDate, 0.2)},${cf}`;
  }
  const vat = taxIds ? ` ${glue(`P. IVA ${a.vat}`)},` : '';
  return `La società ${glue(a.name)},${vat} in persona del legale rappresentante ${glue(fullName(a.rep))},`;
}

/** "al Sig. Mario Rossi" / "alla Sig.ra Anna Neri" / "alla società X S.r.l.". */
export function toApplicant(ctx: Ctx): string {
  const a = ctx.c.applicant;
  if (a.kind === 'company') return `alla società ${glue(a.name)}`;
  return `${g(a.person, 'al', 'alla')} ${glue(`${honorific(a.person)} ${fullName(a.person)}`)}`;
}

export function applicantSignature(ctx: Ctx, b: PageBuilder): void {
  const a = ctx.c.applicant;
  b.line(g(a.kind === 'person' ? a.person : a.rep, 'Il richiedente', 'La richiedente'), { align: 'indent', gapBefore: 0.6 });
  b.signature();
  b.line(applicantName(a), { align: 'indent' });
}

export function technicianName(t: Technician): string {
  return `${t.title} ${fullName(t.person)}`;
}

export function officialSignature(ctx: Ctx, b: PageBuilder, role: string): void {
  b.line(role, { align: 'indent', gapBefore: 0.6 });
  if (ctx.rng.chance(0.7)) b.signature();
  b.line(`(${ctx.c.official.title} ${fullName(ctx.c.official.person)})`, { align: 'indent' });
}

export function lawFor(ctx: Ctx): string {
  const y = ctx.c.ref.year;
  switch (ctx.c.procedureType) {
    case 'licenza_edilizia':
      return 'la L. n. 1150/1942 come modificata dalla L. n. 765/1967';
    case 'concessione_edilizia':
      return 'la L. n. 10/1977 e la L. n. 47/1985';
    case 'condono':
      return y < 1990 ? 'la L. n. 47/1985' : y < 2000 ? 'la L. n. 724/1994' : 'la L. n. 326/2003';
    case 'agibilita':
      return y < 2003 ? 'il D.P.R. n. 425/1994' : 'il D.P.R. n. 380/2001';
    case 'autorizzazione_paesaggistica':
      return 'il D.Lgs. n. 42/2004';
    default:
      return 'il D.P.R. n. 380/2001';
  }
}

export function procedureName(ctx: Ctx): string {
  switch (ctx.c.procedureType) {
    case 'licenza_edilizia':
      return 'licenza edilizia';
    case 'concessione_edilizia':
      return 'concessione edilizia';
    case 'permesso_di_costruire':
      return 'permesso di costruire';
    case 'dia':
      return 'denuncia di inizio attività';
    case 'scia':
      return 'segnalazione certificata di inizio attività';
    case 'cila':
      return 'comunicazione di inizio lavori asseverata';
    case 'condono':
      return ctx.c.ref.year < 2003 ? 'concessione edilizia in sanatoria' : 'permesso di costruire in sanatoria';
    case 'agibilita':
      return 'certificato di agibilità';
    case 'autorizzazione_paesaggistica':
      return 'autorizzazione paesaggistica';
  }
}

/** "la L. n. 47/1985" → "della L. n. 47/1985"; "il D.P.R. …" → "del D.P.R. …"; "l'…" → "dell'…". */
export function withDi(phrase: string): string {
  return phrase.replace(/^la /, 'della ').replace(/^il /, 'del ').replace(/^l'/, "dell'");
}

/** "la costruzione" → "alla costruzione", "l'ampliamento" → "all'ampliamento", "il rifacimento" → "al rifacimento". */
export function withA(phrase: string): string {
  if (/^la /.test(phrase)) return phrase.replace(/^la /, 'alla ');
  if (/^il /.test(phrase)) return phrase.replace(/^il /, 'al ');
  if (/^l'/.test(phrase)) return phrase.replace(/^l'/, "all'");
  return `a ${phrase}`;
}

/** "Collegio dei Geometri" → "al Collegio dei Geometri"; "Ordine …" → "all'Ordine …". */
export function registerWithA(register: string): string {
  return /^[AEIOU]/.test(register) ? `all'${register}` : `al ${register}`;
}

/** The procedure's name with an article or preposition: art(ctx, 'il') → "il permesso di costruire". */
export function art(ctx: Ctx, form: 'il' | 'del'): string {
  const name = procedureName(ctx);
  const masculine = /^(permesso|certificato)/.test(name);
  const vowel = /^[aeiou]/.test(name);
  if (form === 'il') return vowel ? `l'${name}` : masculine ? `il ${name}` : `la ${name}`;
  return vowel ? `dell'${name}` : masculine ? `del ${name}` : `della ${name}`;
}

/** "Pratica: PE 12/1990", or the reference alone when it already says "Pratica …". */
export function labelledRef(ctx: Ctx): string {
  return /^Pratica/.test(ctx.ref) ? ctx.ref : `Pratica: ${ctx.ref}`;
}

export function pageCount(ctx: Ctx, min: number, max: number): number {
  return Math.max(min, Math.min(max, ctx.wanted));
}

export function continuation(ctx: Ctx, b: PageBuilder, what: string): void {
  b.para(`${ctx.ref} – ${what} (segue)`, { bold: true, gapBefore: 0 });
  b.gap(0.5);
}

