// The text of each kind of practice document, in the wording of Italian municipal offices.
import type { DocumentType } from '../domain/vocabulary.ts';
import { COMPANY_FORMS, COMPANY_NAMES } from './content.data.ts';
import { PageBuilder, type Letterhead } from './content.model.ts';
import { addDays, anyDate, fullName, g, honorific, money, phone, shortDate } from './content.format.ts';
import { fontForYear, letterheadFont, protocolNumberFor } from './content.common.ts';
import { releaseDate } from './content.practice.case.ts';
import {
  addr,
  applicantIntro,
  applicantSignature,
  applicantText,
  art,
  cad,
  catastoTable,
  continuation,
  labelledRef,
  lawFor,
  officialSignature,
  pageCount,
  place,
  procedureName,
  registerWithA,
  technicianName,
  toApplicant,
  withA,
  withDi,
  type Built,
  type Ctx,
} from './content.practice.wording.ts';

type Builder = (ctx: Ctx) => Built;

function buildDomanda(ctx: Ctx): Built {
  const { rng, c } = ctx;
  const p1 = new PageBuilder();
  const pages = pageCount(ctx, 1, 2);
  const proc = c.procedureType;
  p1.line(ctx.ref, { bold: true });
  const [subject, verb, request] = ((): [string, string, string] => {
    switch (proc) {
      case 'dia':
        return [`Denuncia di inizio attività ai sensi del D.P.R. n. 380/2001.`, 'DENUNCIA', `l'inizio dei lavori per ${c.work}`];
      case 'scia':
        return [`Segnalazione certificata di inizio attività (SCIA) ai sensi del D.P.R. n. 380/2001.`, 'SEGNALA', `l'inizio dei lavori per ${c.work}`];
      case 'cila':
        return [`Comunicazione di inizio lavori asseverata (CILA).`, 'COMUNICA', `che intende eseguire i lavori per ${c.work}`];
      case 'condono':
        return [`Domanda di ${procedureName(ctx)} ai sensi ${withDi(lawFor(ctx))}.`, 'CHIEDE', `il rilascio ${art(ctx, 'del')} per ${c.work}`];
      case 'agibilita':
        return [`Domanda di rilascio del certificato di agibilità.`, 'CHIEDE', `il rilascio del certificato di agibilità per ${c.work}`];
      case 'autorizzazione_paesaggistica':
        return [`Istanza di autorizzazione paesaggistica ai sensi del D.Lgs. n. 42/2004.`, 'CHIEDE', `il rilascio dell'autorizzazione paesaggistica per ${c.work}`];
      default:
        return [`Domanda di ${procedureName(ctx)}.`, 'CHIEDE', `il rilascio ${art(ctx, 'del')} per ${c.work}`];
    }
  })();
  p1.para(`OGGETTO: ${subject}`, { bold: true, gapBefore: 0.6 });
  const owner = c.applicant.kind === 'person' ? g(c.applicant.person, 'proprietario', 'proprietaria') : 'proprietaria';
  p1.para(
    `${applicantIntro(ctx)} in qualità di ${owner} dell'immobile sito in ${addr(ctx)}, censito al Catasto al ${cad(ctx)},`,
  );
  p1.line(verb, { bold: true, align: 'center', gapBefore: 0.4 });
  p1.para(
    `${request}, secondo il progetto redatto dal tecnico incaricato ${technicianName(c.technician)}, ${g(c.technician.person, 'iscritto', 'iscritta')} ${registerWithA(c.technician.register)} della Provincia di ${c.municipality.province} al n. ${c.technician.registerNumber}.`,
    { gapBefore: 0.2 },
  );
  const t = catastoTable(ctx, true);
  p1.table(t.header, t.rows, { optional: true });
  p1.para(`Dichiara che l'area ricade in ${c.zone} del vigente strumento urbanistico.`, { optional: pages === 1 });
  if (pages === 1) {
    p1.para(`Allega la documentazione prevista e gli elaborati grafici in triplice copia.`, { optional: true });
  }
  p1.line(place(ctx), { gapBefore: 0.8 });
  applicantSignature(ctx, p1);
  if (pages === 1) return { pages: [p1.blocks] };

  const p2 = new PageBuilder();
  continuation(ctx, p2, 'domanda');
  p2.line('ELENCO DEGLI ALLEGATI', { bold: true });
  const allegati = [
    'Relazione tecnica illustrativa delle opere in progetto;',
    'Elaborati grafici: planimetria, piante, prospetti e sezioni in scala 1:100;',
    'Estratto di mappa catastale ed estratto dello strumento urbanistico;',
    'Documentazione fotografica dello stato di fatto;',
    "Copia del titolo di proprietà o dichiarazione sostitutiva dell'atto di notorietà;",
    `Attestazione del versamento dei diritti di segreteria di ${money(rng.pick([25, 50, 75, 100]), c.ref.year)};`,
  ];
  allegati.forEach((a, i) => p2.para(`${i + 1}. ${a}`, { gapBefore: 0.15, hanging: true }));
  p2.para('DICHIARA INOLTRE', { bold: true, gapBefore: 0.8 });
  p2.para(
    `che le opere non interessano immobili sottoposti a vincolo storico-artistico e che il progetto rispetta le distanze dai confini e dai fabbricati previste dal regolamento edilizio comunale;`,
  );
  p2.para(
    `di eleggere domicilio, per ogni comunicazione relativa alla presente pratica, presso lo studio del tecnico incaricato ${technicianName(c.technician)}, telefono ${phone(rng, c.municipality.phonePrefix)}.`,
  );
  if (c.ref.year >= 2004) {
    p2.para(
      `${c.applicant.kind === 'person' ? g(c.applicant.person, 'Il sottoscritto', 'La sottoscritta') : 'La società'} autorizza il trattamento dei dati personali per le finalità connesse al procedimento, ai sensi della normativa vigente.`,
      { optional: true },
    );
  }
  p2.line(`Il tecnico incaricato`, { align: 'indent', gapBefore: 1 });
  p2.signature();
  p2.line(technicianName(c.technician), { align: 'indent' });
  return { pages: [p1.blocks, p2.blocks] };
}

const STATO_DI_FATTO = [
  "un fabbricato in muratura portante di mattoni pieni, edificato negli anni sessanta, con solai in laterocemento e copertura a due falde con manto in coppi",
  "un edificio con struttura in cemento armato e tamponamenti in laterizio, copertura piana praticabile e finiture di tipo civile",
  "un fabbricato rurale in sasso e mattoni su due piani fuori terra, con copertura in legno e coppi, in mediocre stato di conservazione",
  "un'area libera da costruzioni, pianeggiante, recintata sul fronte strada e servita dalle principali reti tecnologiche",
] as const;

function buildRelazione(ctx: Ctx): Built {
  const { rng, c } = ctx;
  const pages = pageCount(ctx, 1, 3);
  const t = c.technician;
  const letterhead: Letterhead = {
    font: letterheadFont(rng, fontForYear(rng, c.ref.year)),
    align: rng.chance(0.5) ? 'center' : 'left',
    rule: rng.chance(0.6),
    lines: [
      { text: 'STUDIO TECNICO', bold: true, scale: 1.2 },
      { text: technicianName(t) },
      { text: `${c.municipality.name} – tel. ${phone(rng, c.municipality.phonePrefix)}` },
    ],
  };
  const p1 = new PageBuilder();
  p1.line('RELAZIONE TECNICA ILLUSTRATIVA', { bold: true, align: 'center', scale: 1.1 });
  p1.line(ctx.ref, { gapBefore: 0.5 });
  p1.para(`Committente: ${applicantText(c.applicant)}`, { gapBefore: 0.1 });
  p1.para(`Ubicazione: ${addr(ctx)}`, { gapBefore: 0.1 });
  p1.para(`Dati catastali: ${cad(ctx)}`, { gapBefore: 0.1 });
  p1.line('1. PREMESSA', { bold: true, gapBefore: 0.7 });
  p1.para(
    `${g(t.person, 'Il sottoscritto', 'La sottoscritta')} ${technicianName(t)}, su incarico di ${applicantText(c.applicant)}, redige la presente relazione a corredo della pratica di ${procedureName(ctx)} relativa ${withA(c.work)}.`,
  );
  p1.line('2. STATO DI FATTO', { bold: true, gapBefore: 0.7 });
  p1.para(`L'immobile oggetto di intervento è costituito da ${rng.pick(STATO_DI_FATTO)}.`);
  const tb = catastoTable(ctx, true);
  p1.table(tb.header, tb.rows, { optional: true });
  const lot = rng.int(35, 180) * 10;
  const vol0 = rng.int(20, 90) * 10;
  const vol1 = vol0 + rng.int(5, 40) * 10;
  const h = (rng.int(60, 105) / 10).toFixed(2).replace('.', ',');

  const descr = [
    `Il progetto prevede ${c.work}, nel rispetto delle caratteristiche tipologiche dell'edificio e del contesto circostante.`,
    `Le murature di nuova costruzione saranno realizzate in blocchi di laterizio, gli intonaci esterni saranno tinteggiati con colori tenui concordati con l'Ufficio Tecnico.`,
  ];
  const urb = `L'area ricade in ${c.zone} del vigente strumento urbanistico. L'intervento rispetta gli indici e le distanze prescritte dalle norme tecniche di attuazione.`;

  if (pages === 1) {
    p1.line('3. DESCRIZIONE DELL\'INTERVENTO', { bold: true, gapBefore: 0.7, optional: true });
    p1.para(descr[0] as string, { optional: true });
    p1.line(place(ctx), { gapBefore: 0.7 });
    p1.line('Il tecnico', { align: 'indent' });
    p1.line(technicianName(t), { align: 'indent' });
    return { pages: [p1.blocks], letterhead };
  }

  const p2 = new PageBuilder();
  continuation(ctx, p2, 'relazione tecnica');
  p2.line("3. DESCRIZIONE DELL'INTERVENTO", { bold: true });
  for (const d of descr) p2.para(d);
  p2.line('4. CONFORMITÀ URBANISTICA', { bold: true, gapBefore: 0.7 });
  p2.para(urb);
  p2.line('5. DATI METRICI', { bold: true, gapBefore: 0.7 });
  p2.table(
    ['Parametro', 'Valore'],
    [
      ['Superficie lotto', `${lot} mq`],
      ['Volume esistente', `${vol0} mc`],
      ['Volume progetto', `${vol1} mc`],
      ['Altezza massima', `${h} m`],
    ],
    { gapBefore: 0.2 },
  );
  p2.line('6. IMPIANTI E SCARICHI', { bold: true, gapBefore: 0.7, optional: true });
  p2.para(
    "Le acque reflue domestiche saranno convogliate nella pubblica fognatura previo passaggio in fossa biologica; le acque meteoriche saranno disperse nel terreno di pertinenza.",
    { optional: true },
  );
  if (pages === 2) {
    p2.line(place(ctx), { gapBefore: 0.8 });
    p2.line('Il tecnico', { align: 'indent' });
    p2.signature();
    p2.line(technicianName(t), { align: 'indent' });
    return { pages: [p1.blocks, p2.blocks], letterhead };
  }
  const p3 = new PageBuilder();
  continuation(ctx, p3, 'relazione tecnica');
  p3.line('7. BARRIERE ARCHITETTONICHE', { bold: true });
  p3.para(
    "Il progetto garantisce il requisito della visitabilità previsto dalla normativa sull'eliminazione delle barriere architettoniche; i percorsi esterni hanno pendenza inferiore all'otto per cento.",
  );
  p3.line('8. CONCLUSIONI', { bold: true, gapBefore: 0.7 });
  p3.para(
    `Per quanto esposto ${g(t.person, 'il sottoscritto', 'la sottoscritta')} assevera la conformità delle opere in progetto agli strumenti urbanistici approvati, al regolamento edilizio vigente e alle norme di sicurezza e igienico-sanitarie.`,
  );
  p3.line(place(ctx), { gapBefore: 0.8 });
  p3.line('Il tecnico', { align: 'indent' });
  p3.signature();
  p3.line(technicianName(t), { align: 'indent' });
  return { pages: [p1.blocks, p2.blocks, p3.blocks], letterhead };
}

/** A drawing sheet: a floor plan and its title block (never planned by the corpus: ask for it explicitly). */
function buildElaborato(ctx: Ctx): Built {
  const { rng, c } = ctx;
  const b = new PageBuilder();
  const tav = rng.int(1, 6);
  b.line(`ELABORATO GRAFICO – TAV. ${tav}`, { bold: true, align: 'center', scale: 1.1 });
  b.line(`${rng.pick(['Pianta piano terra', 'Pianta piano primo', 'Pianta delle coperture'])} – scala 1:100`, { align: 'center', gapBefore: 0.2 });
  b.drawing(14, rng.nextUint32());
  b.para(labelledRef(ctx), { gapBefore: 0.6 });
  b.para(`Committente: ${applicantText(c.applicant)}`, { gapBefore: 0.1 });
  b.para(`Ubicazione: ${addr(ctx)} – ${cad(ctx)}`, { gapBefore: 0.1 });
  b.para(`Oggetto: ${c.work}`, { gapBefore: 0.1, optional: true });
  b.line(`Il progettista: ${technicianName(c.technician)}`, { gapBefore: 0.5 });
  return { pages: [b.blocks], letterhead: 'none' };
}

function signerRole(ctx: Ctx): string {
  const y = ctx.date.y;
  if (y < 1993) return 'IL SINDACO';
  return ctx.rng.pick(['IL DIRIGENTE', 'IL RESPONSABILE DEL SERVIZIO', 'IL DIRIGENTE DEL SETTORE TECNICO']);
}

function titoloHeading(ctx: Ctx): string {
  return `${procedureName(ctx).toUpperCase()} N. ${ctx.c.ref.number}/${ctx.c.ref.year}`;
}

function buildTitolo(ctx: Ctx): Built {
  const { rng, c } = ctx;
  const pages = pageCount(ctx, 1, 2);
  const role = signerRole(ctx);
  const p1 = new PageBuilder();
  p1.line(`Prot. n. ${ctx.protocolNumber} del ${shortDate(ctx.protocolDate ?? ctx.date)}`);
  p1.line(ctx.ref);
  p1.line(titoloHeading(ctx), { bold: true, align: 'center', gapBefore: 0.6 });
  p1.line(role, { bold: true, align: 'center', gapBefore: 0.3 });
  p1.para(
    `Vista la domanda presentata in data ${anyDate(rng, c.submitted)}, prot. n. ${c.submittedProtocol}, da ${applicantText(c.applicant)}, tendente ad ottenere il rilascio del titolo per ${c.work};`,
  );
  if (c.procedureType !== 'autorizzazione_paesaggistica' && c.submitted.y < 2010) {
    const seduta = addDays(c.submitted, 20 + (c.ref.number % 40));
    p1.para(`Visto il parere favorevole della Commissione Edilizia espresso nella seduta del ${shortDate(seduta)};`, { gapBefore: 0.2 });
  } else {
    p1.para(`Vista la relazione istruttoria del responsabile del procedimento;`, { gapBefore: 0.2 });
  }
  p1.para(`Visti gli strumenti urbanistici vigenti e ${lawFor(ctx)};`, { gapBefore: 0.2 });
  p1.line('RILASCIA', { bold: true, align: 'center', gapBefore: 0.4 });
  p1.para(
    `${toApplicant(ctx)} ${art(ctx, 'il')} n. ${c.ref.number}/${c.ref.year} per ${c.work} sull'immobile sito in ${addr(ctx)}, distinto in catasto al ${cad(ctx)}, secondo il progetto allegato${pages === 1 ? '' : ' e alle condizioni indicate nella pagina seguente'}.`,
    { gapBefore: 0.2 },
  );
  const conditions = [
    "i lavori dovranno essere iniziati entro un anno dal rilascio e ultimati entro tre anni dall'inizio;",
    "il titolare dovrà comunicare la data di inizio dei lavori e il nominativo dell'impresa esecutrice;",
    'sul cantiere dovrà essere esposto il cartello con gli estremi del presente titolo.',
  ];
  if (pages === 1) {
    p1.para(`Il presente titolo è rilasciato fatti salvi i diritti di terzi.`, { optional: true });
    p1.line(place(ctx), { gapBefore: 0.6 });
    officialSignature(ctx, p1, role);
    return { pages: [p1.blocks] };
  }
  const p2 = new PageBuilder();
  continuation(ctx, p2, 'titolo');
  p2.line('CONDIZIONI E PRESCRIZIONI', { bold: true });
  conditions.forEach((cond, i) => p2.para(`${i + 1}. ${cond}`, { hanging: true, gapBefore: 0.2 }));
  if (c.procedureType !== 'autorizzazione_paesaggistica') {
    const fee = rng.int(8, 120) * 50;
    p2.para(
      `Il contributo di costruzione è determinato in ${money(fee, ctx.date.y)}, da versare presso la Tesoreria comunale prima del ritiro del presente atto.`,
      { gapBefore: 0.6 },
    );
  }
  p2.para('Il presente titolo è rilasciato fatti salvi i diritti di terzi e non esonera dall\'obbligo di ottenere gli altri atti di assenso previsti.', { gapBefore: 0.6 });
  p2.line(place(ctx), { gapBefore: 0.8 });
  officialSignature(ctx, p2, role);
  p2.line(`Per ricevuta: ${applicantText(c.applicant)}`, { gapBefore: 1, optional: true });
  return { pages: [p1.blocks, p2.blocks] };
}

function buildComunicazioneLavori(ctx: Ctx, which: 'inizio' | 'fine'): Built {
  const { rng, c } = ctx;
  const p1 = new PageBuilder();
  const titleWord = which === 'inizio' ? 'inizio' : 'fine';
  p1.para(`OGGETTO: Comunicazione di ${titleWord} lavori – ${ctx.ref}`, { bold: true, gapBefore: 0 });
  const workDate = which === 'inizio' ? addDays(ctx.date, rng.int(2, 20)) : addDays(ctx.date, -rng.int(2, 25));
  const titolo = ['dia', 'scia', 'cila'].includes(c.procedureType)
    ? `relativamente ${art(ctx, 'del').replace(/^della/, 'alla').replace(/^dell'/, "all'").replace(/^del /, 'al ')} presentata in data ${anyDate(rng, c.submitted)}`
    : `titolare ${art(ctx, 'del')} ${c.procedureType === 'permesso_di_costruire' ? 'rilasciato' : 'rilasciata'} in data ${anyDate(rng, releaseDate(c))}`;
  p1.para(`${applicantIntro(ctx)} ${titolo}, per ${c.work} nell'immobile sito in ${addr(ctx)} (${cad(ctx)}),`);
  p1.line('COMUNICA', { bold: true, align: 'center', gapBefore: 0.4 });
  p1.para(
    which === 'inizio'
      ? `che i lavori avranno inizio in data ${anyDate(rng, workDate)}.`
      : `che i lavori sono stati ultimati in data ${anyDate(rng, workDate)}, in conformità al progetto approvato.`,
    { gapBefore: 0.2 },
  );
  const firm = `${rng.pick(COMPANY_NAMES)} ${rng.pick(COMPANY_FORMS)}`;
  p1.para(`Direttore dei lavori: ${technicianName(c.technician)}`, { gapBefore: 0.5 });
  p1.para(`Impresa esecutrice: ${firm}`, { gapBefore: 0.1 });
  if (which === 'fine') {
    p1.para(
      "Si allegano la dichiarazione di conformità degli impianti e la ricevuta di presentazione della variazione catastale.",
      { optional: true },
    );
  } else {
    p1.para("Si allega la documentazione relativa alla regolarità contributiva dell'impresa esecutrice.", { optional: true });
  }
  p1.line(place(ctx), { gapBefore: 0.8 });
  applicantSignature(ctx, p1);
  return { pages: [p1.blocks] };
}

function buildCertificato(ctx: Ctx): Built {
  const { rng, c } = ctx;
  const pages = pageCount(ctx, 1, 2);
  const role = signerRole(ctx);
  const p1 = new PageBuilder();
  p1.line(`Prot. n. ${ctx.protocolNumber} del ${shortDate(ctx.protocolDate ?? ctx.date)}`);
  p1.line(ctx.ref);
  p1.line(`CERTIFICATO DI AGIBILITÀ N. ${c.ref.number}/${c.ref.year}`, { bold: true, align: 'center', gapBefore: 0.6 });
  p1.line(role, { bold: true, align: 'center', gapBefore: 0.3 });
  p1.para(
    `Vista la domanda presentata in data ${anyDate(rng, c.submitted)}, prot. n. ${c.submittedProtocol}, da ${applicantText(c.applicant)}, intesa ad ottenere il certificato di agibilità per ${c.work};`,
  );
  p1.para('Visto il certificato di collaudo statico depositato presso gli uffici competenti;', { gapBefore: 0.2 });
  p1.para("Vista la dichiarazione di conformità degli impianti alla regola dell'arte;", { gapBefore: 0.2, optional: true });
  p1.para(`Visto ${lawFor(ctx)};`, { gapBefore: 0.2 });
  p1.line('CERTIFICA', { bold: true, align: 'center', gapBefore: 0.4 });
  const units = rng.int(1, 6);
  p1.para(
    `l'agibilità dell'immobile sito in ${addr(ctx)}, censito al ${cad(ctx)}, composto da n. ${units} ${units === 1 ? 'unità immobiliare' : 'unità immobiliari'} ad uso residenziale.`,
    { gapBefore: 0.2 },
  );
  if (pages === 1) {
    p1.line(place(ctx), { gapBefore: 0.6 });
    officialSignature(ctx, p1, role);
    return { pages: [p1.blocks] };
  }
  const p2 = new PageBuilder();
  continuation(ctx, p2, 'certificato');
  p2.line('DESCRIZIONE DELLE UNITÀ', { bold: true });
  const rows: string[][] = [];
  for (let i = 1; i <= Math.min(units, 5); i++) {
    rows.push([String(c.cadastral.foglio), String(c.cadastral.mappale), String((c.cadastral.subalterno ?? 1) + i - 1), rng.pick(['A/2', 'A/3', 'C/6'])]);
  }
  p2.table(['Foglio', 'Mappale', 'Subalterno', 'Categoria'], rows, { gapBefore: 0.2 });
  p2.para(
    "Il presente certificato attesta la sussistenza delle condizioni di sicurezza, igiene, salubrità e risparmio energetico degli edifici e degli impianti installati.",
    { gapBefore: 0.8 },
  );
  p2.line(place(ctx), { gapBefore: 0.8 });
  officialSignature(ctx, p2, role);
  return { pages: [p1.blocks, p2.blocks] };
}

function buildParere(ctx: Ctx): Built {
  const { rng, c } = ctx;
  const p1 = new PageBuilder();
  const asl = rng.chance(0.35);
  const outcome = rng.weighted([
    ['PARERE FAVOREVOLE', 5],
    ['PARERE FAVOREVOLE CON PRESCRIZIONI', 3],
    ['PARERE CONTRARIO', 1],
  ] as const);
  if (asl) {
    const usl = ctx.date.y < 1995;
    const letterhead: Letterhead = {
      font: letterheadFont(rng, fontForYear(rng, ctx.date.y)),
      align: 'center',
      rule: true,
      lines: [
        { text: usl ? `UNITÀ SANITARIA LOCALE N. ${rng.int(1, 40)}` : `AZIENDA SANITARIA LOCALE DI ${c.municipality.province.toUpperCase()}`, bold: true, scale: 1.15 },
        { text: 'Dipartimento di Prevenzione' },
        { text: 'Servizio Igiene e Sanità Pubblica' },
      ],
    };
    p1.line(`Al Comune di ${c.municipality.name}`);
    p1.line('Ufficio Tecnico – Edilizia Privata');
    p1.para(`OGGETTO: ${ctx.ref} – parere igienico-sanitario.`, { bold: true, gapBefore: 0.6 });
    p1.para(
      `Esaminata la documentazione trasmessa relativa ${withA(c.work)} nell'immobile sito in ${addr(ctx)} (${cad(ctx)}), richiedente ${applicantText(c.applicant)}, si esprime`,
    );
    p1.line(outcome, { bold: true, align: 'center', gapBefore: 0.4 });
    if (outcome.includes('PRESCRIZIONI')) {
      p1.para("a condizione che i locali abitabili abbiano altezza non inferiore a m 2,70 e che i servizi igienici siano dotati di aerazione forzata.", { gapBefore: 0.2 });
    }
    p1.line(place(ctx), { gapBefore: 0.8 });
    p1.line('Il Medico Igienista', { align: 'indent' });
    p1.signature();
    p1.line(`Dott. ${fullName(c.official.person)}`, { align: 'indent' });
    return { pages: [p1.blocks], letterhead };
  }
  const paesaggio = c.procedureType === 'autorizzazione_paesaggistica' || ctx.date.y >= 2008;
  p1.line(paesaggio ? 'COMMISSIONE LOCALE PER IL PAESAGGIO' : 'COMMISSIONE EDILIZIA COMUNALE', { bold: true, align: 'center' });
  p1.line(`Estratto del verbale della seduta del ${shortDate(ctx.date)}`, { align: 'center', gapBefore: 0.2 });
  p1.para(labelledRef(ctx), { gapBefore: 0.7 });
  p1.para(`Richiedente: ${applicantText(c.applicant)}`, { gapBefore: 0.1 });
  p1.para(`Ubicazione: ${addr(ctx)} – ${cad(ctx)}`, { gapBefore: 0.1 });
  p1.para(`Oggetto: ${c.work}`, { gapBefore: 0.1 });
  p1.para('La Commissione, esaminati gli elaborati di progetto e sentita la relazione del tecnico istruttore, esprime', { gapBefore: 0.6 });
  p1.line(outcome, { bold: true, align: 'center', gapBefore: 0.4 });
  if (outcome.includes('PRESCRIZIONI')) {
    p1.para("con la prescrizione che le finiture esterne e i serramenti siano conformi alle tipologie tradizionali della zona.", { gapBefore: 0.2 });
  } else if (outcome.includes('CONTRARIO')) {
    p1.para("in quanto l'intervento contrasta con le norme di attuazione dello strumento urbanistico vigente.", { gapBefore: 0.2 });
  }
  p1.line('Il Presidente', { gapBefore: 1 });
  p1.line(`${c.official.title} ${fullName(c.official.person)}`);
  return { pages: [p1.blocks] };
}

function buildIntegrazione(ctx: Ctx): Built {
  const { rng, c } = ctx;
  const p1 = new PageBuilder();
  const fromComune = rng.chance(0.5);
  const submitted = anyDate(rng, c.submitted);
  const requested = [
    'elaborati grafici aggiornati con le quote altimetriche del lotto;',
    'documentazione fotografica dello stato dei luoghi;',
    'dichiarazione di conformità del progetto alle norme igienico-sanitarie;',
    'calcolo analitico del volume esistente e di progetto;',
    'copia del titolo di proprietà aggiornato;',
  ];
  if (fromComune) {
    p1.line(`Prot. n. ${ctx.protocolNumber} del ${shortDate(ctx.protocolDate ?? ctx.date)}`);
    const recipient = c.applicant.kind === 'person' ? `${honorific(c.applicant.person)} ${fullName(c.applicant.person)}` : c.applicant.name;
    p1.line(`${g(c.applicant.kind === 'person' ? c.applicant.person : c.applicant.rep, 'Egregio', 'Gentile')} ${recipient}`, { gapBefore: 0.6 });
    p1.para(`OGGETTO: ${ctx.ref} – richiesta di integrazione documentale.`, { bold: true, gapBefore: 0.6 });
    p1.para(
      `Con riferimento alla pratica in oggetto, presentata in data ${submitted} con prot. n. ${c.submittedProtocol}, per ${c.work} nell'immobile sito in ${addr(ctx)} (${cad(ctx)}), si comunica che l'istruttoria è sospesa in attesa della seguente documentazione:`,
    );
    rng.sample(requested, rng.int(2, 4)).forEach((r) => p1.para(`- ${r}`, { hanging: true, gapBefore: 0.1 }));
    p1.para('La documentazione dovrà pervenire entro trenta giorni dal ricevimento della presente; decorso tale termine la pratica sarà archiviata.', { gapBefore: 0.5 });
    p1.line(place(ctx), { gapBefore: 0.6 });
    officialSignature(ctx, p1, 'Il Responsabile del procedimento');
    return { pages: [p1.blocks] };
  }
  const noteDate = addDays(ctx.date, -rng.int(7, 40));
  const noteProt = protocolNumberFor(rng, noteDate, c.perDay);
  p1.line(`Al Comune di ${c.municipality.name}`);
  p1.line('Ufficio Tecnico – Edilizia Privata');
  p1.para(`OGGETTO: ${ctx.ref} – trasmissione di documentazione integrativa.`, { bold: true, gapBefore: 0.6 });
  p1.para(
    `${applicantIntro(ctx)} in riscontro alla Vostra nota prot. n. ${noteProt} del ${shortDate(noteDate)}, relativa all'immobile sito in ${addr(ctx)} (${cad(ctx)}), trasmette la seguente documentazione:`,
  );
  rng.sample(requested, rng.int(2, 4)).forEach((r) => p1.para(`- ${r}`, { hanging: true, gapBefore: 0.1 }));
  p1.para("Si resta a disposizione per ogni ulteriore chiarimento.", { optional: true });
  p1.line(place(ctx), { gapBefore: 0.6 });
  applicantSignature(ctx, p1);
  return { pages: [p1.blocks], letterhead: 'none' };
}

function buildCorrispondenza(ctx: Ctx): Built {
  const { rng, c } = ctx;
  const p1 = new PageBuilder();
  const kind = rng.int(0, c.submitted.y >= 1991 ? 2 : 1);
  if (kind === 0) {
    // proroga request from the applicant
    p1.line(`Al Comune di ${c.municipality.name}`);
    p1.line('Ufficio Tecnico – Edilizia Privata');
    p1.para(`OGGETTO: ${ctx.ref} – richiesta di proroga del termine di ultimazione dei lavori.`, { bold: true, gapBefore: 0.6 });
    p1.para(
      `${applicantIntro(ctx)} in relazione ai lavori per ${c.work} nell'immobile sito in ${addr(ctx)} (${cad(ctx)}), chiede la proroga di dodici mesi del termine di ultimazione dei lavori, per le ragioni di seguito esposte.`,
    );
    p1.para("Il ritardo è dovuto alle avverse condizioni meteorologiche e al fallimento dell'impresa originariamente incaricata, fatti non imputabili al titolare.");
    p1.line(place(ctx), { gapBefore: 0.8 });
    applicantSignature(ctx, p1);
    return { pages: [p1.blocks], letterhead: 'none' };
  }
  if (kind === 1) {
    // sollecito from the Comune
    p1.line(`Prot. n. ${ctx.protocolNumber} del ${shortDate(ctx.protocolDate ?? ctx.date)}`);
    p1.para(`OGGETTO: ${ctx.ref} – immobile in ${addr(ctx)}. Sollecito.`, { bold: true, gapBefore: 0.6 });
    p1.para(
      `Si fa seguito alla precedente corrispondenza per invitare ${toApplicant(ctx).replace(/^al(la)? /, '')} a presentare, entro quindici giorni, la documentazione necessaria alla definizione della pratica in oggetto (${cad(ctx)}).`,
    );
    p1.para("In mancanza si procederà all'archiviazione della pratica senza ulteriore avviso.");
    p1.line(place(ctx), { gapBefore: 0.8 });
    officialSignature(ctx, p1, signerRole(ctx));
    return { pages: [p1.blocks] };
  }
  // avvio del procedimento (L. 241/1990)
  const days = rng.pick([30, 60, 75]);
  p1.line(`Prot. n. ${ctx.protocolNumber} del ${shortDate(ctx.protocolDate ?? ctx.date)}`);
  p1.para(`OGGETTO: Comunicazione di avvio del procedimento – ${ctx.ref}.`, { bold: true, gapBefore: 0.6 });
  p1.para(
    `Ai sensi della L. n. 241/1990 si comunica ${toApplicant(ctx)} che in data ${anyDate(rng, c.submitted)} è stato avviato il procedimento relativo alla pratica in oggetto, per ${c.work} nell'immobile sito in ${addr(ctx)}, distinto al ${cad(ctx)}.`,
  );
  p1.para(`Responsabile del procedimento è ${c.official.title} ${fullName(c.official.person)}. Il procedimento si concluderà entro ${days} giorni dalla presentazione della domanda.`);
  p1.para(`Gli atti possono essere consultati presso l'Ufficio Tecnico – Edilizia Privata nei giorni di apertura al pubblico.`, { optional: true });
  p1.line(place(ctx), { gapBefore: 0.8 });
  officialSignature(ctx, p1, 'Il Responsabile del Servizio');
  return { pages: [p1.blocks] };
}



export const BUILDERS: Record<DocumentType, Builder> = {
  domanda: buildDomanda,
  relazione_tecnica: buildRelazione,
  elaborato_grafico: buildElaborato,
  titolo_rilasciato: buildTitolo,
  comunicazione_inizio_lavori: (ctx) => buildComunicazioneLavori(ctx, 'inizio'),
  comunicazione_fine_lavori: (ctx) => buildComunicazioneLavori(ctx, 'fine'),
  certificato_agibilita: buildCertificato,
  parere: buildParere,
  integrazione: buildIntegrazione,
  corrispondenza: buildCorrispondenza,
};

