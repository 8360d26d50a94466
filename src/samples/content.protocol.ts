// Incoming protocol letters, building and non-building, each with the titolario class (2005 titolario for
// Comuni: roman titolo + '.' + classe) and the office it should be routed to.
import type { Address, Cadastral, PracticeRef } from '../domain/ground-truth.ts';
import type { DocumentType } from '../domain/vocabulary.ts';
import { COMPANY_FORMS, SUPPLIER_NAMES, type Municipality } from './content.data.ts';
import { PageBuilder, type Block, type DocumentContent, type Letterhead } from './content.model.ts';
import {
  addDays,
  anyDate,
  formatAddress,
  formatCadastral,
  formatPracticeRef,
  fullName,
  g,
  glue,
  LATEST_DATE,
  minDate,
  money,
  phone,
  randomAddress,
  randomCadastral,
  randomDateInYear,
  randomPerson,
  shortDate,
  type Person,
  type SDate,
} from './content.format.ts';
import {
  fontForYear,
  letterheadFont,
  protocolNumberFor,
  protocolRef,
  protocolStamp,
  protocolsPerDay,
} from './content.common.ts';
import { codiceFiscale, partitaIva, TAX_IDS_FROM_YEAR } from './content.tax-ids.ts';
import type { Rng } from './random.ts';

export const PROTOCOL_LETTER_KINDS = [
  'accesso_atti_edilizi',
  'certificato_destinazione_urbanistica',
  'segnalazione_buca_stradale',
  'autorizzazione_scarichi',
  'rimborso_tributi',
  'fattura_fornitore',
  'domanda_concorso',
  'certificato_residenza',
  'contributo_assistenza',
  'esposto_rumori',
  'suap_apertura_attivita',
  'circolare_prefettura',
] as const;
export type ProtocolLetterKind = (typeof PROTOCOL_LETTER_KINDS)[number];

export interface LetterKindInfo {
  titolarioClass: string;
  office: string; // office id of config/offices.json
  documentType: DocumentType;
  building: boolean; // concerns building / territory matters
  years: readonly [number, number];
  addressee: string; // the office line a writer may add under "Al Comune di ..."
}

export const LETTER_KINDS: Record<ProtocolLetterKind, LetterKindInfo> = {
  accesso_atti_edilizi: { titolarioClass: 'VI.3', office: 'edilizia-privata', documentType: 'domanda', building: true, years: [1992, 2024], addressee: 'Ufficio Tecnico – Edilizia Privata' },
  certificato_destinazione_urbanistica: { titolarioClass: 'VI.1', office: 'urbanistica', documentType: 'domanda', building: true, years: [1986, 2024], addressee: 'Ufficio Urbanistica' },
  segnalazione_buca_stradale: { titolarioClass: 'VI.7', office: 'lavori-pubblici', documentType: 'corrispondenza', building: false, years: [1995, 2024], addressee: 'Ufficio Tecnico – Lavori Pubblici' },
  autorizzazione_scarichi: { titolarioClass: 'VI.9', office: 'ambiente', documentType: 'domanda', building: false, years: [2000, 2024], addressee: 'Ufficio Ambiente' },
  rimborso_tributi: { titolarioClass: 'IV.3', office: 'tributi', documentType: 'domanda', building: false, years: [1995, 2024], addressee: 'Ufficio Tributi' },
  fattura_fornitore: { titolarioClass: 'IV.4', office: 'ragioneria', documentType: 'corrispondenza', building: false, years: [1995, 2014], addressee: 'Ufficio Ragioneria' },
  domanda_concorso: { titolarioClass: 'III.1', office: 'personale', documentType: 'domanda', building: false, years: [1990, 2024], addressee: 'Ufficio Personale' },
  certificato_residenza: { titolarioClass: 'XI.2', office: 'servizi-demografici', documentType: 'domanda', building: false, years: [1990, 2024], addressee: 'Ufficio Anagrafe' },
  contributo_assistenza: { titolarioClass: 'VII.12', office: 'servizi-sociali', documentType: 'domanda', building: false, years: [1995, 2024], addressee: 'Servizi Sociali' },
  esposto_rumori: { titolarioClass: 'IX.4', office: 'polizia-locale', documentType: 'corrispondenza', building: false, years: [1990, 2024], addressee: 'Comando di Polizia Locale' },
  suap_apertura_attivita: { titolarioClass: 'VIII.4', office: 'suap', documentType: 'domanda', building: false, years: [1999, 2024], addressee: 'Sportello Unico per le Attività Produttive' },
  circolare_prefettura: { titolarioClass: 'I.1', office: 'segreteria', documentType: 'corrispondenza', building: false, years: [1995, 2024], addressee: 'Segreteria Generale' },
};

interface LetterCtx {
  rng: Rng;
  m: Municipality;
  kind: ProtocolLetterKind;
  date: SDate;
  wanted: number;
  sender: Person;
  address: Address;
}

interface LetterBuilt {
  pages: Block[][];
  letterhead?: Letterhead;
  applicant?: string;
  address?: Address;
  cadastral?: Cadastral;
  practice?: PracticeRef;
}

export interface ProtocolLetterOptions {
  kind?: ProtocolLetterKind;
  pages?: number;
}

export function buildProtocolLetter(rng: Rng, m: Municipality, opts: ProtocolLetterOptions = {}): DocumentContent {
  const kind = opts.kind ?? rng.pick(PROTOCOL_LETTER_KINDS);
  const info = LETTER_KINDS[kind];
  const year = rng.int(info.years[0], info.years[1]);
  const date = randomDateInYear(rng, year);
  const ctx: LetterCtx = {
    rng,
    m,
    kind,
    date,
    wanted: opts.pages ?? 1,
    sender: randomPerson(rng, year),
    address: randomAddress(rng),
  };
  const built = LETTER_BUILDERS[kind](ctx);
  const protocolDate = minDate(addDays(date, rng.int(0, 5)), LATEST_DATE);
  const protocolNumber = protocolNumberFor(rng, protocolDate, protocolsPerDay(rng));
  return {
    facts: {
      kind: 'protocol',
      municipality: m.name,
      documentType: info.documentType,
      practice: built.practice,
      protocol: protocolRef(protocolNumber, protocolDate),
      dates: [],
      address: built.address,
      cadastral: built.cadastral,
      applicant: built.applicant,
      titolarioClass: info.titolarioClass,
      office: info.office,
    },
    font: fontForYear(rng, year),
    letterhead: built.letterhead,
    pages: built.pages,
    stamp: protocolStamp(rng, m, protocolNumber, protocolDate),
    year,
  };
}

// ---- shared letter parts ------------------------------------------------------------------------------------

function senderBlock(ctx: LetterCtx, b: PageBuilder, withAddress: boolean): void {
  b.line(fullName(ctx.sender));
  if (withAddress) {
    b.line(formatAddress(ctx.address, ctx.rng));
    b.line(ctx.m.name);
  }
}

function addressee(ctx: LetterCtx, b: PageBuilder): void {
  const info = LETTER_KINDS[ctx.kind];
  const first = ctx.rng.chance(0.25) ? `Al Sig. Sindaco del Comune di ${ctx.m.name}` : `Al Comune di ${ctx.m.name}`;
  const long = first.length > 34; // too wide for the right-hand column
  b.line(first, { align: long ? 'left' : 'indent', gapBefore: 0.8 });
  if (ctx.rng.chance(0.6)) b.line(info.addressee, { align: long ? 'left' : 'indent' });
}

function subject(b: PageBuilder, text: string): void {
  b.para(`OGGETTO: ${text}`, { bold: true, gapBefore: 0.8 });
}

function intro(ctx: LetterCtx, extra = ''): string {
  const p = ctx.sender;
  const cf = ctx.date.y >= TAX_IDS_FROM_YEAR ? `, ${glue(`C.F. ${codiceFiscale(p)}`)}` : '';
  return `${g(p, 'Il sottoscritto', 'La sottoscritta')} ${glue(fullName(p))}, ${g(p, 'nato', 'nata')} a ${p.birthPlace} il ${anyDate(ctx.rng, p.birthDate, 0.2)}${cf}${extra},`;
}

function closing(ctx: LetterCtx, b: PageBuilder, formula?: string): void {
  b.line(`${ctx.m.name}, ${anyDate(ctx.rng, ctx.date)}`, { gapBefore: 0.8 });
  b.line(formula ?? ctx.rng.pick(['Distinti saluti.', 'Con osservanza.', 'In attesa di riscontro, porge distinti saluti.']), { gapBefore: 0.3 });
  b.signature(0.2);
  b.line(fullName(ctx.sender), { align: 'indent' });
}

function residentIn(ctx: LetterCtx): string {
  return `, residente a ${ctx.m.name} in ${formatAddress(ctx.address, ctx.rng)}`;
}

// ---- the letters --------------------------------------------------------------------------------------------

const LETTER_BUILDERS: Record<ProtocolLetterKind, (ctx: LetterCtx) => LetterBuilt> = {
  accesso_atti_edilizi(ctx) {
    const { rng } = ctx;
    const b = new PageBuilder();
    senderBlock(ctx, b, false);
    addressee(ctx, b);
    subject(b, 'Richiesta di accesso agli atti amministrativi (L. n. 241/1990).');
    const role = rng.pick([
      g(ctx.sender, 'proprietario', 'proprietaria'),
      g(ctx.sender, 'promissario acquirente', 'promissaria acquirente'),
      g(ctx.sender, 'proprietario confinante', 'proprietaria confinante'),
    ]);
    const cadastral = randomCadastral(rng, rng.chance(0.5));
    b.para(`${intro(ctx)} in qualità di ${role} dell'immobile sito in ${formatAddress(ctx.address, rng)}, distinto al ${formatCadastral(cadastral, rng)},`);
    b.line('CHIEDE', { bold: true, align: 'center', gapBefore: 0.4 });
    let practice: PracticeRef | undefined;
    let what = "degli atti delle pratiche edilizie relative all'immobile sopra indicato";
    if (rng.chance(0.5)) {
      const y = rng.int(1958, Math.min(ctx.date.y - 1, 2020));
      practice = { prefix: y < 1977 ? 'LE' : 'PE', number: rng.int(1, 400), year: y };
      what = `degli atti della ${formatPracticeRef(practice, rng.int(0, 1))} e delle eventuali varianti`;
    }
    b.para(`di prendere visione ed estrarre copia ${rng.pick(['semplice', 'conforme'])} ${what}.`, { gapBefore: 0.2 });
    b.para(`Motivazione: ${rng.pick(["compravendita dell'immobile", 'verifica della conformità urbanistica', 'contenzioso con il confinante', 'richiesta di mutuo'])}.`);
    b.para(`Recapito telefonico: ${phone(rng, ctx.m.phonePrefix)}.`, { optional: true });
    closing(ctx, b);
    return { pages: [b.blocks], applicant: fullName(ctx.sender), address: { ...ctx.address }, cadastral, practice };
  },

  certificato_destinazione_urbanistica(ctx) {
    const { rng } = ctx;
    const b = new PageBuilder();
    senderBlock(ctx, b, true);
    addressee(ctx, b);
    subject(b, 'Richiesta di certificato di destinazione urbanistica.');
    const cadastral = randomCadastral(rng, false);
    b.para(`${intro(ctx)} in qualità di ${g(ctx.sender, 'proprietario', 'proprietaria')} dei terreni distinti al Catasto Terreni al ${formatCadastral(cadastral, rng)},`);
    b.line('CHIEDE', { bold: true, align: 'center', gapBefore: 0.4 });
    b.para(`il rilascio del certificato di destinazione urbanistica dei terreni sopra indicati, per uso ${rng.pick(['successione', 'compravendita', 'donazione', 'divisione ereditaria'])}.`, { gapBefore: 0.2 });
    b.para(`Allega estratto di mappa catastale e attestazione del versamento dei diritti di segreteria di ${money(rng.pick([20, 30, 50]), ctx.date.y)}.`);
    closing(ctx, b);
    return { pages: [b.blocks], applicant: fullName(ctx.sender), address: { ...ctx.address }, cadastral };
  },

  segnalazione_buca_stradale(ctx) {
    const { rng } = ctx;
    const b = new PageBuilder();
    senderBlock(ctx, b, false);
    addressee(ctx, b);
    subject(b, 'Segnalazione di buca pericolosa sul manto stradale.');
    b.para(
      `${intro(ctx)} segnala la presenza di una profonda buca sulla carreggiata in ${formatAddress(ctx.address, rng)}, ${rng.pick(['in prossimità della curva', "all'altezza dell'incrocio", 'davanti alla fermata dell\'autobus'])}, che costituisce un serio pericolo per la circolazione di auto, cicli e pedoni.`,
    );
    b.para(`In data ${anyDate(rng, addDays(ctx.date, -rng.int(1, 10)))} ${rng.pick(["un'autovettura ha danneggiato uno pneumatico", 'un ciclista è caduto a causa della buca', 'la buca si è ulteriormente allargata dopo le piogge'])}.`);
    b.para("Si chiede pertanto un sollecito intervento di ripristino del manto stradale e, nel frattempo, l'installazione di adeguata segnaletica.");
    closing(ctx, b);
    return { pages: [b.blocks], applicant: fullName(ctx.sender), address: { ...ctx.address } };
  },

  autorizzazione_scarichi(ctx) {
    const { rng } = ctx;
    const b = new PageBuilder();
    senderBlock(ctx, b, false);
    addressee(ctx, b);
    const law = ctx.date.y >= 2006 ? 'D.Lgs. n. 152/2006' : 'D.Lgs. n. 152/1999';
    subject(b, `Domanda di autorizzazione allo scarico di acque reflue domestiche (${law}).`);
    const cadastral = randomCadastral(rng, rng.chance(0.5));
    b.para(`${intro(ctx)} in qualità di ${g(ctx.sender, 'proprietario', 'proprietaria')} del fabbricato sito in ${formatAddress(ctx.address, rng)}, distinto al ${formatCadastral(cadastral, rng)}, non servito dalla pubblica fognatura,`);
    b.line('CHIEDE', { bold: true, align: 'center', gapBefore: 0.4 });
    b.para(`l'autorizzazione allo scarico delle acque reflue domestiche ${rng.pick(['sul suolo mediante subirrigazione', 'in corpo idrico superficiale', 'nel fosso di scolo adiacente alla proprietà'])}, previo trattamento in fossa Imhoff dimensionata per ${rng.int(3, 12)} abitanti equivalenti.`, { gapBefore: 0.2 });
    b.para('Allega relazione tecnica, planimetria della rete di scarico e schema dell\'impianto di trattamento.', { optional: true });
    closing(ctx, b);
    return { pages: [b.blocks], applicant: fullName(ctx.sender), address: { ...ctx.address }, cadastral };
  },

  rimborso_tributi(ctx) {
    const { rng } = ctx;
    const b = new PageBuilder();
    const y = ctx.date.y;
    const options: string[] = [];
    if (y >= 2015) options.push('TARI');
    if (y >= 2013) options.push('IMU');
    if (y >= 1994 && y <= 2012) options.push('ICI');
    if (y >= 1995 && y <= 2013) options.push('TARSU');
    const tax = rng.pick(options);
    const taxYear = y - rng.int(1, 3);
    senderBlock(ctx, b, true);
    addressee(ctx, b);
    subject(b, `Istanza di rimborso ${tax} anno ${taxYear}.`);
    const amount = rng.int(40, 900) + rng.pick([0, 0.5, 0.25, 0.8]);
    b.para(`${intro(ctx)} contribuente per l'immobile sito in ${formatAddress(ctx.address, rng)},`);
    b.line('CHIEDE', { bold: true, align: 'center', gapBefore: 0.4 });
    b.para(`il rimborso della somma di ${money(amount, y)} versata in eccedenza a titolo di ${tax} per l'anno ${taxYear}, ${rng.pick(['per errore nel calcolo della rata', 'per doppio versamento', "per cessazione dell'occupazione dei locali"])}.`, { gapBefore: 0.2 });
    b.para(`Chiede che il rimborso sia disposto mediante ${y >= 2005 ? `accredito sul conto corrente intestato ${g(ctx.sender, 'al sottoscritto', 'alla sottoscritta')}` : 'mandato di pagamento presso la Tesoreria comunale'}.`);
    b.para('Allega copia delle ricevute di versamento.', { optional: true });
    closing(ctx, b);
    return { pages: [b.blocks], applicant: fullName(ctx.sender), address: { ...ctx.address } };
  },

  fattura_fornitore(ctx) {
    const { rng } = ctx;
    const y = ctx.date.y;
    const company = `${rng.pick(SUPPLIER_NAMES)} ${rng.pick(COMPANY_FORMS)}`;
    // the serial and office code come from the two draws an unchecked 11-digit number used to take, so the
    // document's later random values (and every seeded corpus) stay as they were
    const vat = partitaIva(rng.int(10000000, 99999999) % 10_000_000, 1 + (rng.int(100, 999) % 100));
    const letterhead: Letterhead = {
      font: letterheadFont(rng, fontForYear(rng, y)),
      align: 'left',
      rule: true,
      lines: [
        { text: company, bold: true, scale: 1.2 },
        { text: `${formatAddress(ctx.address, rng)} – ${ctx.m.name}` },
        { text: `P. IVA ${vat} – tel. ${phone(rng, ctx.m.phonePrefix)}` },
      ],
    };
    const b = new PageBuilder();
    b.line(`Spett.le Comune di ${ctx.m.name}`, { align: 'left' });
    if (rng.chance(0.6)) b.line(LETTER_KINDS.fattura_fornitore.addressee);
    const n = rng.int(1, 480);
    b.line(`FATTURA N. ${n}/${y} DEL ${shortDate(ctx.date)}`, { bold: true, gapBefore: 0.8 });
    const items = rng.sample(
      [
        ['Carta per fotocopie A4', 'risme'],
        ['Toner per stampante', 'pezzi'],
        ['Manutenzione impianto', 'ore'],
        ['Fornitura asfalto a freddo', 'sacchi'],
        ['Pulizia locali comunali', 'ore'],
        ['Lampade per illuminazione', 'pezzi'],
        ['Riparazione automezzo', 'ore'],
      ] as const,
      rng.int(2, 3),
    );
    let total = 0;
    const rows = items.map(([desc, unit]) => {
      const q = rng.int(2, 40);
      const price = rng.int(5, 60);
      total += q * price;
      return [desc, `${q} ${unit}`, money(q * price, y).replace(/^(lire|euro) /, '')];
    });
    b.table(['Descrizione', 'Quantità', 'Importo'], rows, { gapBefore: 0.4 });
    const vatRate = y < 2011 ? 20 : y < 2013 ? 21 : 22;
    b.para(`Imponibile ${money(total, y)}`, { gapBefore: 0.6 });
    b.para(`IVA ${vatRate}% ${money((total * vatRate) / 100, y)}`, { gapBefore: 0.1 });
    b.para(`Totale fattura ${money(total * (1 + vatRate / 100), y)}`, { bold: true, gapBefore: 0.1 });
    b.para(`Pagamento: bonifico bancario a ${rng.pick([30, 60, 90])} giorni data fattura.`, { gapBefore: 0.6 });
    b.para(`Riferimento: determinazione di impegno n. ${rng.int(10, 400)}/${y}.`, { optional: true });
    return { pages: [b.blocks], letterhead, applicant: company, address: { ...ctx.address } };
  },

  domanda_concorso(ctx) {
    const { rng } = ctx;
    const pages = Math.max(1, Math.min(2, ctx.wanted));
    const post = rng.pick([
      'Istruttore amministrativo, categoria C',
      'Istruttore tecnico, categoria C',
      'Agente di Polizia Locale, categoria C',
      'Istruttore direttivo contabile, categoria D',
      'Collaboratore amministrativo, categoria B3',
    ]);
    const b = new PageBuilder();
    senderBlock(ctx, b, false);
    addressee(ctx, b);
    subject(b, `Domanda di partecipazione al concorso pubblico per esami per la copertura di n. 1 posto di ${post}.`);
    b.para(`${intro(ctx, residentIn(ctx))}`);
    b.line('CHIEDE', { bold: true, align: 'center', gapBefore: 0.4 });
    b.para(`di essere ${g(ctx.sender, 'ammesso', 'ammessa')} a partecipare al concorso in oggetto, indetto con bando pubblicato in data ${anyDate(rng, addDays(ctx.date, -rng.int(10, 40)))}.`, { gapBefore: 0.2 });
    b.para('A tal fine, consapevole delle sanzioni penali previste per le dichiarazioni mendaci,', { gapBefore: 0.3 });
    b.line('DICHIARA', { bold: true, align: 'center', gapBefore: 0.3 });
    const decl = [
      'di essere in possesso della cittadinanza italiana;',
      `di essere ${g(ctx.sender, 'iscritto', 'iscritta')} nelle liste elettorali del Comune di residenza;`,
      'di non aver riportato condanne penali;',
      `di essere in possesso del titolo di studio di ${rng.pick(['diploma di ragioneria', 'diploma di geometra', 'laurea in giurisprudenza', 'laurea in economia'])};`,
    ];
    if (pages === 1) {
      decl.slice(0, 2).forEach((d) => b.para(`- ${d}`, { hanging: true, gapBefore: 0.1, optional: true }));
      closing(ctx, b, 'Con osservanza.');
      return { pages: [b.blocks], applicant: fullName(ctx.sender), address: { ...ctx.address } };
    }
    decl.forEach((d) => b.para(`- ${d}`, { hanging: true, gapBefore: 0.1, optional: true }));
    const p2 = new PageBuilder();
    p2.para(`Domanda di ${fullName(ctx.sender)} – concorso per ${post.split(',')[0]} (segue)`, { bold: true, gapBefore: 0 });
    p2.para('- di avere diritto alla riserva dei posti prevista per i volontari delle Forze Armate;', { hanging: true, gapBefore: 0.6 });
    p2.para('- di aver preso visione del bando e di accettarne incondizionatamente tutte le clausole;', { hanging: true, gapBefore: 0.1 });
    p2.para("- di voler ricevere ogni comunicazione relativa al concorso all'indirizzo di residenza sopra indicato.", { hanging: true, gapBefore: 0.1 });
    p2.line('Allegati:', { bold: true, gapBefore: 0.8 });
    p2.para('- copia del documento di identità in corso di validità;', { hanging: true, gapBefore: 0.1 });
    p2.para(`- ricevuta del versamento della tassa di concorso di ${money(10.33, ctx.date.y)};`, { hanging: true, gapBefore: 0.1 });
    p2.para('- curriculum vitae datato e firmato.', { hanging: true, gapBefore: 0.1 });
    const closer = new PageBuilder();
    closing(ctx, closer, 'Con osservanza.');
    p2.blocks.push(...closer.blocks);
    return { pages: [b.blocks, p2.blocks], applicant: fullName(ctx.sender), address: { ...ctx.address } };
  },

  certificato_residenza(ctx) {
    const { rng } = ctx;
    const b = new PageBuilder();
    senderBlock(ctx, b, false);
    addressee(ctx, b);
    const what = rng.pick(['certificato di residenza', 'certificato di residenza e stato di famiglia', 'certificato storico di residenza']);
    subject(b, `Richiesta di ${what}.`);
    b.para(`${intro(ctx, residentIn(ctx))}`);
    b.line('CHIEDE', { bold: true, align: 'center', gapBefore: 0.4 });
    const copies = rng.int(1, 3);
    b.para(`il rilascio di n. ${copies} ${copies === 1 ? 'copia' : 'copie'} del ${what} in ${rng.pick(['carta libera', 'bollo'])} per uso ${rng.pick(['pensione', 'iscrizione scolastica', 'pratica di successione', 'assegni familiari'])}.`, { gapBefore: 0.2 });
    b.para(`Chiede che il certificato sia inviato all'indirizzo di residenza.`, { optional: true });
    closing(ctx, b);
    return { pages: [b.blocks], applicant: fullName(ctx.sender), address: { ...ctx.address } };
  },

  contributo_assistenza(ctx) {
    const { rng } = ctx;
    const pages = Math.max(1, Math.min(2, ctx.wanted));
    const b = new PageBuilder();
    senderBlock(ctx, b, false);
    addressee(ctx, b);
    subject(b, 'Domanda di contributo economico straordinario.');
    b.para(`${intro(ctx, residentIn(ctx))}`);
    b.line('CHIEDE', { bold: true, align: 'center', gapBefore: 0.4 });
    const members = rng.int(1, 6);
    b.para(`la concessione di un contributo economico straordinario per ${rng.pick(["il pagamento delle utenze domestiche", "il pagamento del canone di locazione", 'spese sanitarie non rimborsate', "l'acquisto di libri scolastici"])}.`, { gapBefore: 0.2 });
    b.para(`Dichiara che il proprio nucleo familiare è composto da n. ${members} ${members === 1 ? 'persona' : 'persone'}${ctx.date.y >= 1999 ? ` e che l'indicatore ISEE è pari a ${money(rng.int(1500, 9500), ctx.date.y)}` : ''}.`);
    if (pages === 1) {
      closing(ctx, b);
      return { pages: [b.blocks], applicant: fullName(ctx.sender), address: { ...ctx.address } };
    }
    const p2 = new PageBuilder();
    p2.para(`Domanda di contributo di ${fullName(ctx.sender)} (segue)`, { bold: true, gapBefore: 0 });
    p2.line('SITUAZIONE DEL NUCLEO FAMILIARE', { bold: true, gapBefore: 0.6 });
    p2.para(`${rng.pick([`${g(ctx.sender, 'Il richiedente è disoccupato', 'La richiedente è disoccupata')} da oltre sei mesi`, 'Il coniuge ha perso il lavoro nel corso dell\'anno', 'Nel nucleo è presente una persona con disabilità'])} e il nucleo non dispone di altri redditi sufficienti.`);
    p2.para('Dichiara di non aver ricevuto nell\'anno in corso altri contributi dal Comune o da altri enti per la medesima finalità.');
    p2.para('Si impegna a comunicare tempestivamente ogni variazione della situazione economica e familiare.');
    p2.line('Allegati:', { bold: true, gapBefore: 0.8 });
    p2.para('- attestazione ISEE in corso di validità;', { hanging: true, gapBefore: 0.1 });
    p2.para('- copia delle bollette o del contratto di locazione.', { hanging: true, gapBefore: 0.1 });
    const closer = new PageBuilder();
    closing(ctx, closer);
    p2.blocks.push(...closer.blocks);
    return { pages: [b.blocks, p2.blocks], applicant: fullName(ctx.sender), address: { ...ctx.address } };
  },

  esposto_rumori(ctx) {
    const { rng } = ctx;
    const b = new PageBuilder();
    senderBlock(ctx, b, false);
    addressee(ctx, b);
    const place = rng.pick(['bar', 'pub', 'pizzeria', 'circolo ricreativo', 'laboratorio artigiano']);
    const name = rng.pick(['Centrale', 'Sport', 'Al Ponte', 'La Piazzetta', 'Stella', 'Il Ritrovo']);
    subject(b, `Esposto per rumori molesti provenienti dal ${place} "${name}".`);
    b.para(
      `${intro(ctx)} espone che da alcune settimane il ${place} "${name}", sito in ${formatAddress(ctx.address, rng)}, produce rumori molesti ${rng.pick(['fino a tarda notte', 'nelle ore notturne', 'anche nei giorni festivi'])}, con musica ad alto volume e schiamazzi degli avventori all'esterno del locale.`,
    );
    b.para(`Il fatto si è ripetuto da ultimo nella notte del ${anyDate(rng, addDays(ctx.date, -rng.int(1, 6)))}, impedendo il riposo dei residenti.`);
    b.para('Chiede pertanto un sopralluogo e i provvedimenti necessari al rispetto della quiete pubblica e dei limiti di rumorosità.');
    closing(ctx, b);
    return { pages: [b.blocks], applicant: fullName(ctx.sender), address: { ...ctx.address } };
  },

  suap_apertura_attivita(ctx) {
    const { rng } = ctx;
    const b = new PageBuilder();
    const y = ctx.date.y;
    senderBlock(ctx, b, false);
    addressee(ctx, b);
    const scia = y >= 2011;
    subject(
      b,
      scia
        ? 'Segnalazione certificata di inizio attività per apertura di esercizio di vicinato.'
        : 'Comunicazione di apertura di esercizio di vicinato (D.Lgs. n. 114/1998).',
    );
    b.para(`${intro(ctx)} in qualità di titolare dell'omonima ditta individuale,`);
    b.line(scia ? 'SEGNALA' : 'COMUNICA', { bold: true, align: 'center', gapBefore: 0.4 });
    b.para(
      `l'avvio di un esercizio di vicinato per la vendita di prodotti del settore ${rng.pick(['alimentare', 'non alimentare', 'alimentare e non alimentare'])} nei locali siti in ${formatAddress(ctx.address, rng)}, con superficie di vendita di mq ${rng.int(25, 150)}.`,
      { gapBefore: 0.2 },
    );
    b.para(`Dichiara di essere in possesso dei requisiti morali e professionali previsti dalla legge e che i locali sono conformi alle norme urbanistiche e igienico-sanitarie.`);
    b.para(`L'attività avrà inizio in data ${anyDate(rng, addDays(ctx.date, rng.int(1, 30)))}.`);
    closing(ctx, b);
    return { pages: [b.blocks], applicant: fullName(ctx.sender), address: { ...ctx.address } };
  },

  circolare_prefettura(ctx) {
    const { rng } = ctx;
    const y = ctx.date.y;
    const province = ctx.m.province;
    const letterhead: Letterhead = {
      font: letterheadFont(rng, fontForYear(rng, y)),
      align: 'center',
      rule: true,
      lines: [
        { text: `PREFETTURA DI ${province.toUpperCase()}`, bold: true, scale: 1.2 },
        { text: y >= 2004 ? 'Ufficio Territoriale del Governo' : 'Ufficio di Gabinetto' },
      ],
    };
    const b = new PageBuilder();
    b.line(`Prot. n. ${rng.int(100, 9000)}/${y} Area ${rng.pick(['I', 'II', 'III'])}`);
    b.line(`Ai Sindaci dei Comuni della Provincia`, { align: 'left', gapBefore: 0.6 });
    b.line('LORO SEDI', { align: 'left' });
    const topic = rng.pick([
      "pubblicazione degli atti all'albo pretorio",
      'trasmissione dei dati statistici annuali',
      'adempimenti in materia di trasparenza amministrativa',
      'disciplina degli orari degli uffici aperti al pubblico',
    ]);
    subject(b, `Circolare esplicativa – ${topic}.`);
    b.para(`Si trasmette, per opportuna conoscenza e per gli adempimenti di competenza, la circolare ministeriale del ${anyDate(rng, addDays(ctx.date, -rng.int(5, 30)))} in materia di ${topic}.`);
    b.para(`Le SS.LL. sono pregate di assicurarne la massima diffusione presso gli uffici interessati e di segnalare alla Prefettura di ${province} eventuali difficoltà applicative.`);
    b.line(`${province}, ${anyDate(rng, ctx.date)}`, { gapBefore: 0.8 });
    b.line('IL PREFETTO', { align: 'indent', gapBefore: 0.3 });
    b.signature();
    b.line(`(${fullName(randomPerson(rng, y))})`, { align: 'indent' });
    return { pages: [b.blocks], letterhead, applicant: `Prefettura di ${province}` };
  },
};
