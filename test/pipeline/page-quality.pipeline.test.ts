// Page quality control through the real pipeline (Redis, tesseract.js, SQLite, fs store) and the API: a TIFF whose
// second page was scanned at 150 DPI and whose third is a blank sheet is archived with those two pages flagged; the
// batch report, the rescan list (JSON and the Italian CSV) and the document's pages say so; the practice's inventory
// record expects more pages than were scanned, so the finished batch also shows a page-count warning with the box.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerUser, type BearerCaller } from '../helpers/auth.ts';
import { startApi } from '../helpers/http.ts';
import { multiDpiTiff, type TiffPage } from '../helpers/multi-dpi-tiff.ts';
import { createWorld, uploadAndWait, type World } from '../helpers/pipeline-world.ts';
import { renderTextPage } from '../helpers/render-text-page.ts';
import { blankPage } from '../scan/box-scan.ts';

const PRACTICE = 'PE 123/1987';
const TEXT = [
  'COMUNE DI LUGO - SETTORE EDILIZIA PRIVATA',
  'RELAZIONE TECNICA',
  'Pratica edilizia n. 123/1987',
  '',
  'Le opere consistono nella demolizione e ricostruzione del solaio di copertura, nel rifacimento degli impianti e nella realizzazione di un nuovo servizio igienico al piano terra. L’intervento non comporta aumento di volume né modifica della sagoma ed è conforme al piano regolatore vigente.',
  '',
  'Si allegano la documentazione fotografica e gli elaborati grafici in scala 1:100.',
].join('\n');

let world: World;
let api: Awaited<ReturnType<typeof startApi>>;
let archivist: BearerCaller;
let stranger: BearerCaller; // archivist of another Comune
let professional: BearerCaller;
let batchId: string;
let documentId: string;

async function textPage(dpi: number): Promise<TiffPage> {
  const r = await renderTextPage({ text: TEXT, dpi, fontSizePt: 14 });
  const { data, info } = await sharp(r.image).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, dpi };
}

const get = (path: string, caller: BearerCaller) => fetch(`${api.url}${path}`, { headers: caller.headers });

beforeAll(async () => {
  world = await createWorld({
    union: {
      comuni: [
        { code: 'E730', name: 'Lugo' },
        { code: 'A547', name: 'Bagnacavallo' },
      ],
    },
  });
  await world.services.paper.upsertInventory([
    {
      comune: 'E730',
      practiceKey: PRACTICE,
      procedureType: 'PE',
      number: 123,
      year: 1987,
      location: { building: 'Municipio', room: 'Archivio', shelf: '4', box: '27' },
      expectedPages: 5,
    },
  ]);
  api = await startApi(world.services);
  archivist = await bearerUser(world.services, 'archivist', { comune: 'E730' });
  stranger = await bearerUser(world.services, 'archivist', { comune: 'A547' });
  professional = await bearerUser(world.services, 'professional');

  const blank = await blankPage(3, 300);
  const tiff = multiDpiTiff([await textPage(300), await textPage(150), blank]);
  const upload = await uploadAndWait(
    world,
    api.url,
    archivist,
    { name: 'relazione-123-1987.tif', data: tiff },
    { fields: { comune: 'E730' }, timeoutMs: 240_000 },
  );
  batchId = upload.batchId;
  documentId = upload.documentId;
}, 300_000);

afterAll(async () => {
  await api?.app.close();
  await world?.close();
});

describe('page quality control through the pipeline', () => {
  it('archives the document (warnings never fail it) with the 150-DPI and the blank page flagged', async () => {
    const doc = await world.services.db.getDocument(documentId);
    expect(doc?.status, doc?.error).toBe('archived');
    const res = await get(`/api/batches/${batchId}/quality`, archivist);
    expect(res.status).toBe(200);
    const report = (await res.json()) as any;
    expect(report).toMatchObject({ batchId, done: true, pagesChecked: 3, pagesFlagged: 2 });
    expect(report.totals).toMatchObject({ 'low-dpi': 1, blank: 1, 'too-dark': 0, skew: 0, 'page-count': 1 });
    const [d] = report.documents;
    expect(d).toMatchObject({ documentId, filename: 'relazione-123-1987.tif', practiceKey: PRACTICE, pagesChecked: 3 });
    expect(d.pages.map((p: any) => [p.page, p.warnings.map((w: any) => w.code)])).toEqual([
      [2, ['low-dpi']],
      [3, ['blank']],
    ]);
    expect(d.pages[0].warnings[0]).toMatchObject({ value: 150, threshold: 200 });
    expect(d.pages[0].warnings[0].message).toBe('Risoluzione di 150 DPI, sotto il minimo di 200 DPI');
    // The inventory expects 5 pages; 3 were digitised.
    expect(report.practices).toEqual([
      expect.objectContaining({
        practiceKey: PRACTICE,
        expectedPages: 5,
        digitisedPages: 3,
        location: { building: 'Municipio', room: 'Archivio', shelf: '4', box: '27' },
        warning: expect.objectContaining({ code: 'page-count', value: 3, threshold: 5 }),
      }),
    ]);
  });

  it('keeps the warnings on the document’s pages', async () => {
    const res = await get(`/api/documents/${documentId}`, archivist);
    const { pages } = (await res.json()) as { pages: Array<{ page: number; chars: number; quality?: any }> };
    expect(pages.map((p) => p.quality?.warnings.map((w: any) => w.code))).toEqual([[], ['low-dpi'], ['blank']]);
    expect(pages[0]!.chars).toBeGreaterThan(100); // OCR'd rows replaced the pre-OCR ones, quality carried over
  });

  it('serves the rescan list as JSON and as an Italian CSV with the box location', async () => {
    const json = (await (await get(`/api/batches/${batchId}/rescan-list`, archivist)).json()) as any;
    expect(json.rows.map((r: any) => [r.page ?? null, r.codes])).toEqual([
      [2, ['low-dpi']],
      [3, ['blank']],
      [null, ['page-count']],
    ]);
    const only = (await (await get(`/api/batches/${batchId}/rescan-list?codes=blank`, archivist)).json()) as any;
    expect(only.rows.map((r: any) => r.page)).toEqual([3]);

    const res = await get(`/api/batches/${batchId}/rescan-list?format=csv`, archivist);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename=".*\.csv"/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes.slice(3)).trimEnd().split('\r\n');
    expect(lines[0]).toBe('File;Pagina;Problemi;Codici;Comune;Pratica;Edificio;Stanza;Scaffale;Faldone');
    expect(lines).toHaveLength(4);
    expect(lines[1]!.split(';')).toEqual([
      'relazione-123-1987.tif',
      '2',
      'Risoluzione di 150 DPI, sotto il minimo di 200 DPI',
      'low-dpi',
      'E730',
      PRACTICE,
      'Municipio',
      'Archivio',
      '4',
      '27',
    ]);
    expect(lines[2]).toMatch(/^relazione-123-1987\.tif;3;Pagina bianca/);
    expect(lines[3]).toMatch(/^relazione-123-1987\.tif;;Pratica PE 123\/1987: 3 pagine digitalizzate, 5 attese/);
  });

  it('answers 404 to staff of another Comune and 403 to professionals', async () => {
    for (const path of [`/api/batches/${batchId}/quality`, `/api/batches/${batchId}/rescan-list?format=csv`]) {
      expect((await get(path, stranger)).status).toBe(404);
      expect((await get(path, professional)).status).toBe(403);
    }
  });
});
