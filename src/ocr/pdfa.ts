// PDF/A-2b identification for the searchable PDF: an XMP metadata packet (pdfaid part 2, conformance B, and the
// same title/author/subject/keywords/producer/dates as the Info dictionary) and an sRGB output intent whose ICC
// profile is built here (a small ICC v2 display profile: D50 white, sRGB primaries adapted to D50, gamma 2.2 curves)
// so the output stays deterministic and needs no profile file. The page images are DeviceGray or DeviceRGB JPEGs and
// tesseract's text layer embeds its own glyph-less font, which is what PDF/A-2b asks of such a document.
import { PDFDict, PDFName, PDFString, type PDFDocument } from 'pdf-lib';

export interface PdfAMeta {
  title?: string;
  author?: string;
  subject?: string;
  keywords?: string[];
  producer: string;
  creator?: string;
  creationDate?: Date;
  language?: string;
}

const SRGB_ID = 'sRGB IEC61966-2.1';

/** A minimal ICC v2 RGB display profile equivalent to sRGB (gamma 2.2 approximation of its tone curve). */
export function srgbIccProfile(): Uint8Array {
  const s15 = (v: number) => Math.round(v * 65536);
  const tags: Array<{ sig: string; data: Buffer }> = [];
  const xyz = (x: number, y: number, z: number) => {
    const b = Buffer.alloc(20);
    b.write('XYZ ', 0, 'ascii');
    b.writeInt32BE(s15(x), 8);
    b.writeInt32BE(s15(y), 12);
    b.writeInt32BE(s15(z), 16);
    return b;
  };
  const desc = (() => {
    const ascii = Buffer.from(`${SRGB_ID}\0`, 'ascii');
    const b = Buffer.alloc(12 + ascii.length + 8 + 3 + 67);
    b.write('desc', 0, 'ascii');
    b.writeUInt32BE(ascii.length, 8);
    ascii.copy(b, 12);
    // Unicode language code and count (0), ScriptCode code (0), count (0) and its 67 bytes: all zero.
    return b;
  })();
  const text = (t: string) => {
    const ascii = Buffer.from(`${t}\0`, 'ascii');
    const b = Buffer.alloc(8 + ascii.length);
    b.write('text', 0, 'ascii');
    ascii.copy(b, 8);
    return b;
  };
  const curv = Buffer.alloc(14);
  curv.write('curv', 0, 'ascii');
  curv.writeUInt32BE(1, 8);
  curv.writeUInt16BE(Math.round(2.2 * 256), 12); // u8Fixed8 gamma
  tags.push({ sig: 'desc', data: desc });
  tags.push({ sig: 'cprt', data: text('No copyright, use freely') });
  tags.push({ sig: 'wtpt', data: xyz(0.9642, 1.0, 0.8249) });
  tags.push({ sig: 'rXYZ', data: xyz(0.4361, 0.2225, 0.0139) });
  tags.push({ sig: 'gXYZ', data: xyz(0.3851, 0.7169, 0.0971) });
  tags.push({ sig: 'bXYZ', data: xyz(0.1431, 0.0606, 0.7141) });
  tags.push({ sig: 'rTRC', data: curv });
  tags.push({ sig: 'gTRC', data: curv });
  tags.push({ sig: 'bTRC', data: curv });

  const pad4 = (n: number) => (n + 3) & ~3;
  const tableSize = 4 + 12 * tags.length;
  let offset = 128 + tableSize;
  const placed: Array<{ sig: string; offset: number; size: number; data: Buffer }> = [];
  const shared = new Map<Buffer, number>();
  for (const t of tags) {
    const at = shared.get(t.data);
    if (at !== undefined) {
      placed.push({ sig: t.sig, offset: at, size: t.data.length, data: t.data });
      continue;
    }
    offset = pad4(offset);
    placed.push({ sig: t.sig, offset, size: t.data.length, data: t.data });
    shared.set(t.data, offset);
    offset += t.data.length;
  }
  const size = pad4(offset);
  const out = Buffer.alloc(size);
  out.writeUInt32BE(size, 0);
  out.writeUInt32BE(0x02100000, 8); // version 2.1
  out.write('mntr', 12, 'ascii');
  out.write('RGB ', 16, 'ascii');
  out.write('XYZ ', 20, 'ascii');
  [2024, 1, 1, 0, 0, 0].forEach((v, i) => out.writeUInt16BE(v, 24 + 2 * i));
  out.write('acsp', 36, 'ascii');
  out.writeInt32BE(s15(0.9642), 68);
  out.writeInt32BE(s15(1.0), 72);
  out.writeInt32BE(s15(0.8249), 76);
  out.writeUInt32BE(tags.length, 128);
  placed.forEach((p, i) => {
    out.write(p.sig, 132 + 12 * i, 'ascii');
    out.writeUInt32BE(p.offset, 136 + 12 * i);
    out.writeUInt32BE(p.size, 140 + 12 * i);
    p.data.copy(out, p.offset);
  });
  return new Uint8Array(out);
}

const xmlEscape = (s: string) =>
  s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

/** ISO 8601 as XMP wants it, matching the Info dictionary's date to the second. */
const xmpDate = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The XMP packet: PDF/A identification plus the document information, equal to the Info dictionary. */
export function pdfaXmp(meta: PdfAMeta): string {
  const lang = meta.language ?? 'x-default';
  const props: string[] = ['<pdfaid:part>2</pdfaid:part>', '<pdfaid:conformance>B</pdfaid:conformance>'];
  if (meta.title !== undefined) {
    props.push(
      `<dc:title><rdf:Alt><rdf:li xml:lang="x-default">${xmlEscape(meta.title)}</rdf:li></rdf:Alt></dc:title>`,
    );
  }
  if (meta.author !== undefined)
    props.push(`<dc:creator><rdf:Seq><rdf:li>${xmlEscape(meta.author)}</rdf:li></rdf:Seq></dc:creator>`);
  if (meta.subject !== undefined) {
    props.push(
      `<dc:description><rdf:Alt><rdf:li xml:lang="x-default">${xmlEscape(meta.subject)}</rdf:li></rdf:Alt></dc:description>`,
    );
  }
  if (meta.keywords !== undefined) props.push(`<pdf:Keywords>${xmlEscape(meta.keywords.join(' '))}</pdf:Keywords>`);
  if (meta.language) props.push(`<dc:language><rdf:Bag><rdf:li>${xmlEscape(lang)}</rdf:li></rdf:Bag></dc:language>`);
  props.push(`<pdf:Producer>${xmlEscape(meta.producer)}</pdf:Producer>`);
  if (meta.creator !== undefined) props.push(`<xmp:CreatorTool>${xmlEscape(meta.creator)}</xmp:CreatorTool>`);
  if (meta.creationDate) {
    props.push(`<xmp:CreateDate>${xmpDate(meta.creationDate)}</xmp:CreateDate>`);
    props.push(`<xmp:ModifyDate>${xmpDate(meta.creationDate)}</xmp:ModifyDate>`);
  }
  return [
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>',
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    '<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" xmlns:dc="http://purl.org/dc/elements/1.1/"' +
      ' xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmp="http://ns.adobe.com/xap/1.0/">',
    ...props,
    '</rdf:Description>',
    '</rdf:RDF>',
    '</x:xmpmeta>',
    '<?xpacket end="w"?>',
  ].join('\n');
}

/** Adds the XMP metadata stream and the sRGB output intent to the catalog. */
export function addPdfAIdentification(pdf: PDFDocument, meta: PdfAMeta): void {
  const ctx = pdf.context;
  const xmp = ctx.stream(Buffer.from(pdfaXmp(meta), 'utf8'), { Type: 'Metadata', Subtype: 'XML' });
  pdf.catalog.set(PDFName.of('Metadata'), ctx.register(xmp));
  const icc = ctx.flateStream(srgbIccProfile(), { N: 3 });
  const intent = ctx.obj({
    Type: 'OutputIntent',
    S: 'GTS_PDFA1',
    OutputConditionIdentifier: PDFString.of(SRGB_ID),
    Info: PDFString.of(SRGB_ID),
    DestOutputProfile: ctx.register(icc),
  }) as PDFDict;
  pdf.catalog.set(PDFName.of('OutputIntents'), ctx.obj([ctx.register(intent)]));
}
