// The attestation as an A4 PDF ready for the official's qualified signature: heading with the Comune, the batch and
// the date, the statement, the verification by sampling, the table of every file with its SHA-256 (paginated), and
// blanks for the official's name, role and signature. The same data always gives the same bytes (fixed dates, no
// random ids), so a re-download matches the signed copy.
import { PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import { A4, winAnsiSafe } from '../scan/separator.sheet.ts';
import type { AttestationData, AttestedFile } from './attestation.ts';

const MARGIN = 42;
const CONTENT_W = A4.widthPt - 2 * MARGIN;
const BOTTOM = MARGIN + 24; // above the footer
const BLACK = rgb(0, 0, 0);
const GREY = rgb(0.4, 0.4, 0.4);
const COL = { name: 0, role: 100, sizeRight: 246, sha: 256 } as const;

const ROLE_LABELS: Record<string, string> = {
  originale: 'Originale (scansione)',
  'copia-per-immagine-ricercabile': 'Copia per immagine (PDF)',
  'testo-ocr': 'Testo OCR',
  manifesto: 'Manifesto (metadati)',
  'originale-scansione-di-scatola': 'Originale (scansione di scatola)',
  'piano-di-suddivisione': 'Piano di suddivisione',
};

const LEGAL_BASIS =
  'ai sensi dell’art. 22, commi 2 e 3, del D.Lgs. 7 marzo 2005, n. 82 (Codice dell’amministrazione digitale), ' +
  'dell’art. 4 del DPCM 13 novembre 2014 e delle Linee guida AgID sulla formazione, gestione e conservazione dei ' +
  'documenti informatici (2021)';

const STATEMENT =
  'Il/La sottoscritto/a, in qualità di pubblico ufficiale, ATTESTA che le copie per immagine su supporto informatico ' +
  'elencate di seguito, ciascuna identificata dalla sua impronta SHA-256, sono conformi ai documenti analogici da cui ' +
  'sono tratte, come risulta dal raffronto effettuato a campione e riportato nella sezione «Verifica a campione».';

const fmtDate = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
const fmtDateTime = (iso: string) => `${fmtDate(iso)} ${iso.slice(11, 16)} UTC`;
const fmtInt = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.');

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
  mono: PDFFont;
}

/** A cursor over pages: adds a page when the next block does not fit. */
class Writer {
  page!: PDFPage;
  y = 0;
  constructor(
    private readonly doc: PDFDocument,
    readonly fonts: Fonts,
  ) {
    this.newPage();
  }
  newPage(): void {
    this.page = this.doc.addPage([A4.widthPt, A4.heightPt]);
    this.y = A4.heightPt - MARGIN;
  }
  ensure(height: number): void {
    if (this.y - height < BOTTOM) this.newPage();
  }
  text(raw: string, opts: { font?: PDFFont; size?: number; x?: number; color?: ReturnType<typeof rgb> } = {}): void {
    const font = opts.font ?? this.fonts.regular;
    const size = opts.size ?? 9;
    this.page.drawText(winAnsiSafe(raw), {
      x: MARGIN + (opts.x ?? 0),
      y: this.y,
      size,
      font,
      color: opts.color ?? BLACK,
    });
  }
  /** Wrapped paragraph; moves the cursor below it. */
  paragraph(raw: string, opts: { font?: PDFFont; size?: number; lineH?: number; indent?: number } = {}): void {
    const font = opts.font ?? this.fonts.regular;
    const size = opts.size ?? 9;
    const lineH = opts.lineH ?? size * 1.35;
    const maxW = CONTENT_W - (opts.indent ?? 0);
    const words = winAnsiSafe(raw).split(' ');
    let line = '';
    const flush = () => {
      this.ensure(lineH);
      this.page.drawText(line, { x: MARGIN + (opts.indent ?? 0), y: this.y - size, size, font, color: BLACK });
      this.y -= lineH;
      line = '';
    };
    for (const w of words) {
      const next = line ? `${line} ${w}` : w;
      if (line && font.widthOfTextAtSize(next, size) > maxW) {
        flush();
        line = w;
      } else line = next;
    }
    if (line) flush();
  }
  heading(raw: string): void {
    this.ensure(40);
    this.y -= 20;
    this.text(raw, { font: this.fonts.bold, size: 11 });
    this.y -= 4;
    this.page.drawLine({
      start: { x: MARGIN, y: this.y },
      end: { x: MARGIN + CONTENT_W, y: this.y },
      thickness: 0.6,
      color: GREY,
    });
    this.y -= 12;
  }
  field(label: string, value: string): void {
    this.ensure(13);
    this.text(label, { font: this.fonts.bold, size: 9 });
    this.text(value, { size: 9, x: 150 });
    this.y -= 13;
  }
}

export async function attestationPdf(data: AttestationData): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(`${data.title} — lotto ${data.lotto.etichetta}`);
  doc.setSubject(`Comune di ${data.ente.nome}, lotto ${data.lotto.id}`);
  doc.setAuthor('Faldone');
  doc.setCreator('Faldone');
  doc.setProducer('Faldone');
  doc.setLanguage('it-IT');
  const when = new Date(`${data.data}T00:00:00Z`);
  doc.setCreationDate(when);
  doc.setModificationDate(when);
  const fonts: Fonts = {
    regular: await doc.embedFont(StandardFonts.Helvetica),
    bold: await doc.embedFont(StandardFonts.HelveticaBold),
    mono: await doc.embedFont(StandardFonts.Courier),
  };
  const w = new Writer(doc, fonts);

  w.text(`COMUNE DI ${data.ente.nome.toUpperCase()}`, { font: fonts.bold, size: 13 });
  w.y -= 14;
  w.text(`Codice ente ${data.ente.codice}`, { size: 9, color: GREY });
  w.y -= 26;
  w.paragraph(data.title.toUpperCase(), { font: fonts.bold, size: 15, lineH: 19 });
  w.y -= 2;
  w.paragraph(LEGAL_BASIS, { size: 8.5 });

  w.heading('Lotto');
  w.field('Etichetta', data.lotto.etichetta);
  w.field('Identificativo', data.lotto.id);
  w.field('Creato il', fmtDateTime(data.lotto.creato));
  w.field('Data dell’attestazione', fmtDate(data.data));

  const v = data.verifica;
  w.heading('Verifica a campione (raffronto con gli originali analogici)');
  w.field('Verificato da', v.checkedBy.username);
  w.field('Verifica chiusa il', fmtDateTime(v.closedAt));
  w.field('Pagine del lotto', `${fmtInt(v.population)} in ${fmtInt(v.documents)} documenti`);
  w.field('Campione', `${fmtInt(v.sampleSize)} pagine, controllate ${fmtInt(v.pagesChecked)}`);
  w.field('Esiti', `${fmtInt(v.conformi)} conformi, ${fmtInt(v.nonConformi)} non conformi`);
  w.field('Esito della verifica', v.outcome.toUpperCase());
  w.ensure(13);
  w.text('Verbale (SHA-256)', { font: fonts.bold, size: 9 });
  w.text(v.verbale.sha256, { font: fonts.mono, size: 7, x: 150 });
  w.y -= 13;
  if (v.problems.length) {
    w.y -= 2;
    w.text('Problemi rilevati:', { font: fonts.bold, size: 9 });
    w.y -= 4;
    const names = new Map(data.documenti.map((d) => [d.documentId, d.filename]));
    for (const p of v.problems)
      w.paragraph(`• ${names.get(p.documentId) ?? p.documentId.slice(0, 12)}, pagina ${p.page}: ${p.problem}`, {
        size: 8.5,
        indent: 8,
      });
  }

  w.heading('Dichiarazione');
  w.paragraph(STATEMENT, { size: 9.5 });

  w.heading(
    `Elenco dei file (${fmtInt(data.totali.documenti)} documenti, ${
      data.scansioniDiScatola.length ? `${fmtInt(data.scansioniDiScatola.length)} scansioni di scatola, ` : ''
    }${fmtInt(data.totali.file)} file, ${fmtInt(data.totali.byte)} byte)`,
  );
  const tableHeader = () => {
    w.ensure(14);
    for (const [label, x] of [
      ['File', COL.name],
      ['Ruolo', COL.role],
      ['Impronta SHA-256', COL.sha],
    ] as const)
      w.text(label, { font: fonts.bold, size: 7.5, x });
    const bytesLabel = 'Byte';
    w.text(bytesLabel, {
      font: fonts.bold,
      size: 7.5,
      x: COL.sizeRight - fonts.bold.widthOfTextAtSize(bytesLabel, 7.5),
    });
    w.y -= 11;
  };
  tableHeader();
  data.documenti.forEach((d, i) => {
    const before = w.page;
    w.ensure(12 + 10 * Math.min(d.files.length, 2));
    if (w.page !== before) tableHeader();
    // The document's id is the SHA-256 of its original, listed in the rows below.
    const head = winAnsiSafe(`${i + 1}. ${d.filename} — ${d.pages} ${d.pages === 1 ? 'pagina' : 'pagine'}`);
    let size = 7.5;
    while (size > 5 && fonts.bold.widthOfTextAtSize(head, size) > CONTENT_W) size -= 0.25;
    w.text(head, { font: fonts.bold, size });
    w.y -= 10;
    for (const f of d.files) {
      const page = w.page;
      w.ensure(10);
      if (w.page !== page) tableHeader();
      fileRow(w, f);
    }
    w.y -= 3;
  });
  boxScanRows(w, data, tableHeader);

  signatureBlock(w);
  const pages = doc.getPages();
  pages.forEach((p, i) => {
    const footer = winAnsiSafe(
      `Faldone — ${data.title} — Comune di ${data.ente.nome} — lotto ${data.lotto.id} — pagina ${i + 1} di ${pages.length}`,
    );
    let size = 7;
    while (size > 5 && fonts.regular.widthOfTextAtSize(footer, size) > CONTENT_W) size -= 0.25;
    p.drawText(footer, { x: MARGIN, y: MARGIN - 8, size, font: fonts.regular, color: GREY });
  });
  return doc.save({ useObjectStreams: false });
}

function fileRow(w: Writer, f: AttestedFile): void {
  const { regular, mono } = w.fonts;
  const name = winAnsiSafe(f.name);
  let nameSize = 7.5;
  while (nameSize > 5 && regular.widthOfTextAtSize(name, nameSize) > COL.role - COL.name - 4) nameSize -= 0.25;
  w.text(name, { size: nameSize, x: COL.name });
  w.text(ROLE_LABELS[f.role] ?? f.role, { size: 7.5, x: COL.role });
  const bytes = fmtInt(f.size);
  w.text(bytes, { size: 7.5, x: COL.sizeRight - regular.widthOfTextAtSize(bytes, 7.5) });
  w.text(f.sha256, { font: mono, size: 6.5, x: COL.sha });
  w.y -= 10;
}

/** Box scans: conserved whole as originals, each with its split plan and the documents (parts) made from it. */
function boxScanRows(w: Writer, data: AttestationData, tableHeader: () => void): void {
  const { fonts } = w;
  const names = new Map(data.documenti.map((d, i) => [d.documentId, `${i + 1}. ${d.filename}`]));
  data.scansioniDiScatola.forEach((b, i) => {
    const before = w.page;
    w.ensure(22 + 10 * b.files.length);
    if (w.page !== before || i === 0) {
      if (i === 0) {
        w.y -= 4;
        w.text(winAnsiSafe('Scansioni di scatola (conservate intere; le parti sono i documenti elencati sopra)'), {
          font: fonts.bold,
          size: 8,
        });
        w.y -= 12;
      }
      tableHeader();
    }
    const head = winAnsiSafe(`S${i + 1}. ${b.filename} — ${b.pages} pagine, ${b.parts.length} parti`);
    let size = 7.5;
    while (size > 5 && fonts.bold.widthOfTextAtSize(head, size) > CONTENT_W) size -= 0.25;
    w.text(head, { font: fonts.bold, size });
    w.y -= 10;
    for (const f of b.files) fileRow(w, f);
    for (const p of b.parts) {
      w.ensure(10);
      const line = winAnsiSafe(
        `parte ${p.part}: ${names.get(p.documentId) ?? p.filename} — pagine della scatola ${p.pages.join(', ')}`,
      );
      let lineSize = 7;
      while (lineSize > 5 && fonts.regular.widthOfTextAtSize(line, lineSize) > CONTENT_W - 8) lineSize -= 0.25;
      w.text(line, { size: lineSize, x: COL.name + 8 });
      w.y -= 9;
    }
    w.y -= 3;
  });
}

function signatureBlock(w: Writer): void {
  w.ensure(190);
  w.heading('Il pubblico ufficiale che attesta la conformità');
  const blank = (label: string) => {
    w.text(label, { font: w.fonts.bold, size: 9.5 });
    w.page.drawLine({
      start: { x: MARGIN + 150, y: w.y - 2 },
      end: { x: MARGIN + CONTENT_W, y: w.y - 2 },
      thickness: 0.5,
      color: BLACK,
    });
    w.y -= 24;
  };
  blank('Nome e cognome');
  blank('Qualifica');
  blank('Luogo e data');
  w.text('Firma digitale qualificata', { font: w.fonts.bold, size: 9.5 });
  w.y -= 8;
  w.page.drawRectangle({
    x: MARGIN,
    y: w.y - 50,
    width: CONTENT_W,
    height: 50,
    borderColor: GREY,
    borderWidth: 0.6,
    borderDashArray: [3, 2],
  });
  w.y -= 62;
  w.paragraph(
    'Documento da sottoscrivere con firma digitale qualificata (busta CAdES .p7m, oppure firma PAdES nel PDF) e da ' +
      'caricare in Faldone nella sezione «Conformità» del lotto. Non modificare il file prima della firma: Faldone ne ha ' +
      'registrato l’impronta e accetta solo la firma di questo documento.',
    { size: 8, lineH: 10.5 },
  );
}
