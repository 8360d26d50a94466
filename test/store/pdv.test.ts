// Submission package (PdV): selection, streaming export with fixity checks, SInCRO-style index, and the verifier.
// The archive packages are fabricated directly in an FsObjectStore (no OCR): three documents with different
// practices, titolario classes and acquisition dates.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { DocumentMetadata } from '../../src/classify/document-metadata.ts';
import { SqliteMetadataStore } from '../../src/db/sqlite.metadata.ts';
import { FsObjectStore } from '../../src/store/fs.store.ts';
import { keys, PACKAGE_FILES } from '../../src/store/keys.ts';
import { buildManifest, type ManifestFile } from '../../src/store/manifest.ts';
import {
  classMatches,
  EmptySelectionError,
  exportPdv,
  exportPdvToFile,
  PdvExportError,
  PdvIntegrityError,
  selectDocuments,
  type PdvSelection,
  type PdvSummary,
} from '../../src/store/pdv-export.ts';
import { buildIndexXml, parseIndexXml, PdvIndexError } from '../../src/store/pdv-index.ts';
import { verifyPdv } from '../../src/store/pdv-verify.ts';
import { readTar, writeTar } from '../helpers/pdv-tar.ts';
import { makeTmpDir } from '../helpers/tmp-dir.ts';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const CREATED = '2025-02-03T10:20:30.000Z';

interface Fabricated {
  id: string;
  archiveKey: string;
  files: Record<string, Buffer>; // name -> bytes, manifest.json excluded
}

let tmp: { dir: string; cleanup: () => Promise<void> };
let store: FsObjectStore;
let db: SqliteMetadataStore;
const docs: Record<'a' | 'b' | 'c', Fabricated> = {} as Record<'a' | 'b' | 'c', Fabricated>;

function metadata(practice: { prefix: string; number: number; year: number } | undefined, titolarioClass: string): DocumentMetadata {
  return {
    documentType: 'relazione-tecnica',
    documentTypeLabel: 'Relazione tecnica',
    confidence: 0.9,
    practice: practice ? { ...practice, key: `${practice.prefix} ${practice.number}/${practice.year}` } : undefined,
    dates: ['1987-05-04'],
    titolarioClass,
    titolarioLabel: 'Edilizia privata',
    personalData: false,
    reasons: ['fabricated for the test'],
    classifier: 'test/1',
  };
}

async function fabricate(
  batchId: string,
  tag: string,
  m: DocumentMetadata,
  createdAt: string,
): Promise<Fabricated> {
  // Bytes of different sizes, some larger than a tar block and one larger than a stream chunk.
  const original = Buffer.concat([Buffer.from(`II*\0 fake tiff ${tag}\n`), Buffer.alloc(70_000 + tag.length * 513, tag)]);
  const id = sha(original);
  const year = Number(createdAt.slice(0, 4));
  const archiveKey = keys.archive(year, id);
  const files: Record<string, Buffer> = {
    [PACKAGE_FILES.original('tif')]: original,
    [PACKAGE_FILES.pdf]: Buffer.from(`%PDF-1.7\n% searchable copy of ${tag}\n${'x'.repeat(1000)}\n%%EOF\n`),
    [PACKAGE_FILES.text]: Buffer.from(JSON.stringify({ pages: [{ page: 1, text: `testo ${tag}` }] })),
  };
  const roles: Record<string, ManifestFile['role']> = {
    [PACKAGE_FILES.original('tif')]: 'originale',
    [PACKAGE_FILES.pdf]: 'copia-per-immagine-ricercabile',
    [PACKAGE_FILES.text]: 'testo-ocr',
  };
  const media: Record<string, string> = {
    [PACKAGE_FILES.original('tif')]: 'image/tiff',
    [PACKAGE_FILES.pdf]: 'application/pdf',
    [PACKAGE_FILES.text]: 'application/json',
  };
  const manifestFiles: ManifestFile[] = [];
  for (const [name, body] of Object.entries(files)) {
    const info = await store.put(`${archiveKey}/${name}`, body);
    manifestFiles.push({ name, role: roles[name]!, mediaType: media[name]!, size: info.size, sha256: info.sha256 });
  }
  const { document } = await db.createDocument({
    id,
    sha256: id,
    batchId,
    filename: `${tag}.tif`,
    mediaType: 'image/tiff',
    size: original.length,
    pageCount: 1,
    year,
    createdAt,
  });
  const title = `Relazione tecnica — ${m.practice?.key ?? tag}`;
  await db.updateDocument(id, { status: 'archived', archiveKey, classification: m, title });
  const batch = (await db.getBatch(batchId))!;
  const manifest = buildManifest({ document, batch, metadata: m, title, files: manifestFiles, events: [] });
  await store.put(`${archiveKey}/${PACKAGE_FILES.manifest}`, Buffer.from(JSON.stringify(manifest, null, 2)));
  return { id, archiveKey, files };
}

beforeAll(async () => {
  tmp = await makeTmpDir('faldone-pdv-');
  store = new FsObjectStore(path.join(tmp.dir, 'store'));
  db = new SqliteMetadataStore(path.join(tmp.dir, 'faldone.db'));
  const batch = await db.createBatch({ label: 'pdv', source: 'test' });
  docs.a = await fabricate(batch.id, 'a', metadata({ prefix: 'PE', number: 123, year: 1987 }, 'VI.3'), '2024-03-10T10:00:00.000Z');
  docs.b = await fabricate(batch.id, 'b', metadata({ prefix: 'PE', number: 45, year: 1990 }, 'VI.1'), '2024-07-01T23:30:00.000Z');
  docs.c = await fabricate(batch.id, 'c', metadata(undefined, 'X.2'), '2025-01-15T09:00:00.000Z');
  // A document that is not archived never enters a PdV.
  await db.createDocument({ id: 'f'.repeat(64), sha256: 'f'.repeat(64), batchId: batch.id, filename: 'x.tif', mediaType: 'image/tiff', size: 1 });
});
afterAll(async () => {
  await db?.close();
  await store?.close();
  await tmp?.cleanup();
});

const ids = async (sel: PdvSelection) => (await selectDocuments(db, sel)).map((d) => d.id).sort();
const idsOf = (...k: Array<'a' | 'b' | 'c'>) => k.map((x) => docs[x].id).sort();

describe('PdV selection', () => {
  it('selects by practice key (spaces and case do not matter)', async () => {
    expect(await ids({ practice: 'PE 123/1987' })).toEqual(idsOf('a'));
    expect(await ids({ practice: ' pe  123/1987 ' })).toEqual(idsOf('a'));
  });

  it('selects by acquisition date (createdAt), both ends inclusive', async () => {
    expect(await ids({ from: '2024-01-01', to: '2024-12-31' })).toEqual(idsOf('a', 'b'));
    expect(await ids({ to: '2024-07-01' })).toEqual(idsOf('a', 'b'));
    expect(await ids({ from: '2024-07-02' })).toEqual(idsOf('c'));
    expect(await ids({ from: '2024-03-10', to: '2024-03-10' })).toEqual(idsOf('a'));
  });

  it('selects by titolario class, exact or as a prefix at a "." boundary', async () => {
    expect(await ids({ titolarioClass: 'VI' })).toEqual(idsOf('a', 'b'));
    expect(await ids({ titolarioClass: 'VI.3' })).toEqual(idsOf('a'));
    expect(await ids({ titolarioClass: 'X' })).toEqual(idsOf('c'));
    expect(classMatches('VI.3', 'VI')).toBe(true);
    expect(classMatches('VII.1', 'VI')).toBe(false);
    expect(classMatches('VI', 'V')).toBe(false);
  });

  it('combines criteria with AND, and takes every archived document without criteria', async () => {
    expect(await ids({ titolarioClass: 'VI', from: '2024-05-01' })).toEqual(idsOf('b'));
    expect(await ids({ practice: 'PE 123/1987', titolarioClass: 'VI.1' }).catch((e: unknown) => e)).toBeInstanceOf(EmptySelectionError);
    expect(await ids({})).toEqual(idsOf('a', 'b', 'c'));
  });

  it('rejects an empty selection and invalid criteria with clear errors, creating no file', async () => {
    const out = path.join(tmp.dir, 'empty.tar');
    await expect(exportPdvToFile({ store, db }, out, { selection: { practice: 'PE 999/2000' } })).rejects.toThrow(
      /no archived document matches the selection \(pratica "PE 999\/2000"\)/,
    );
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
    await expect(selectDocuments(db, { from: '2024-13-01' })).rejects.toThrow(PdvExportError);
    await expect(selectDocuments(db, { from: '2024-05-01', to: '2024-01-01' })).rejects.toThrow(/date range is empty/);
  });
});

describe('PdV export and verification', () => {
  const out = () => path.join(tmp.dir, 'pdv-vi.tar');
  let summary: PdvSummary;

  beforeAll(async () => {
    const progress: number[] = [];
    const result = await exportPdvToFile({ store, db }, out(), {
      selection: { titolarioClass: 'VI' },
      id: 'test-0001',
      created: CREATED,
      producer: 'Comune di Esempio',
      onProgress: (p) => progress.push(p.bytes),
    });
    summary = result.summary;
    expect(result).toMatchObject({ id: 'test-0001', root: 'PdV-test-0001', documents: 2, files: 2 + 2 * 4 });
    expect(progress.at(-1)).toBe(summary.totals.bytes);
  });

  it('contains exactly the selected documents, every manifest file plus manifest.json, the index and pdv.json', async () => {
    const entries = await readTar(out());
    const names = entries.map((e) => e.name).sort();
    const expected = ['PdV-test-0001/indice.xml', 'PdV-test-0001/pdv.json'];
    for (const d of [docs.a, docs.b]) {
      for (const name of [...Object.keys(d.files), PACKAGE_FILES.manifest]) expected.push(`PdV-test-0001/${d.id}/${name}`);
    }
    expect(names).toEqual(expected.sort());
    for (const d of [docs.a, docs.b]) {
      for (const [name, body] of Object.entries(d.files)) {
        expect(entries.find((e) => e.name === `PdV-test-0001/${d.id}/${name}`)!.body.equals(body)).toBe(true);
      }
    }
    expect(names.some((n) => n.includes(docs.c.id))).toBe(false);
  });

  it('writes an index that parses back and lists every file with its SHA-256', async () => {
    const entries = await readTar(out());
    const xml = entries.find((e) => e.name === 'PdV-test-0001/indice.xml')!.body.toString('utf8');
    expect(xml).toContain('xmlns:sincro="http://www.uni.com/U3011/sincro/"');
    expect(xml).toContain('sincro:function="SHA-256"');
    const index = parseIndexXml(xml);
    expect(index).toMatchObject({
      submissionId: 'PdV-test-0001',
      agent: 'Comune di Esempio',
      timeReference: CREATED,
      application: { name: 'Faldone', producer: 'Faldone' },
    });
    const docGroups = index.groups.filter((g) => g.documentId);
    expect(docGroups.map((g) => g.documentId).sort()).toEqual(idsOf('a', 'b'));
    expect(docGroups.find((g) => g.documentId === docs.a.id)).toMatchObject({ practice: 'PE 123/1987', label: `${docs.a.id} — PE 123/1987` });
    const listed = new Map(index.groups.flatMap((g) => g.files).map((f) => [f.path, f]));
    const inTar = entries.filter((e) => !e.name.endsWith('/indice.xml'));
    expect(listed.size).toBe(inTar.length);
    for (const e of inTar) {
      const rel = e.name.slice('PdV-test-0001/'.length);
      expect(listed.get(rel), rel).toMatchObject({ sha256: sha(e.body), size: e.body.length });
    }
    // pdv.json agrees.
    const pdv = JSON.parse(entries.find((e) => e.name === 'PdV-test-0001/pdv.json')!.body.toString('utf8')) as PdvSummary;
    expect(pdv).toMatchObject({ id: 'test-0001', created: CREATED, selection: { titolarioClass: 'VI', dateField: 'createdAt' } });
    expect(pdv.documents.flatMap((d) => d.files)).toHaveLength(8);
    expect(pdv).toEqual(summary);
  });

  it('verifies as intact', async () => {
    const report = await verifyPdv(out());
    expect(report).toEqual({ ok: true, root: 'PdV-test-0001', submissionId: 'PdV-test-0001', documents: 2, files: 10, bytes: expect.any(Number), problems: [] });
    // From a stream too.
    expect((await verifyPdv(createReadStream(out()))).ok).toBe(true);
  });

  it('is deterministic for the same inputs', async () => {
    const again = path.join(tmp.dir, 'again.tar');
    await exportPdvToFile({ store, db }, again, { selection: { titolarioClass: 'VI' }, id: 'test-0001', created: CREATED, producer: 'Comune di Esempio' });
    expect((await readFile(again)).equals(await readFile(out()))).toBe(true);
  });

  describe('a damaged PdV', () => {
    let entries: Array<{ name: string; body: Buffer }>;
    const damaged = () => path.join(tmp.dir, 'damaged.tar');
    const pdfOfA = () => `PdV-test-0001/${docs.a.id}/${PACKAGE_FILES.pdf}`;
    beforeEach(async () => {
      entries = await readTar(out());
    });

    it('reports a file with one flipped byte as altered', async () => {
      const e = entries.find((x) => x.name === pdfOfA())!;
      e.body = Buffer.from(e.body);
      e.body[10] = e.body[10]! ^ 0x01;
      await writeTar(damaged(), entries);
      const report = await verifyPdv(damaged());
      expect(report.ok).toBe(false);
      expect(report.problems).toEqual([expect.objectContaining({ kind: 'altered', path: pdfOfA() })]);
    });

    it('reports a removed file as missing', async () => {
      const name = `PdV-test-0001/${docs.b.id}/${PACKAGE_FILES.text}`;
      await writeTar(damaged(), entries.filter((x) => x.name !== name));
      const report = await verifyPdv(damaged());
      expect(report.ok).toBe(false);
      expect(report.problems).toEqual([expect.objectContaining({ kind: 'missing', path: name })]);
    });

    it('reports an added file as extra', async () => {
      await writeTar(damaged(), [...entries, { name: `PdV-test-0001/${docs.a.id}/intruso.bin`, body: Buffer.from('x') }]);
      const report = await verifyPdv(damaged());
      expect(report.problems).toEqual([expect.objectContaining({ kind: 'extra', path: `PdV-test-0001/${docs.a.id}/intruso.bin` })]);
    });

    it('reports a manifest that disagrees with the index', async () => {
      const name = `PdV-test-0001/${docs.a.id}/${PACKAGE_FILES.manifest}`;
      const e = entries.find((x) => x.name === name)!;
      const m = JSON.parse(e.body.toString('utf8')) as { files: Array<{ name: string; sha256: string }> };
      m.files.find((f) => f.name === PACKAGE_FILES.pdf)!.sha256 = '0'.repeat(64);
      e.body = Buffer.from(JSON.stringify(m, null, 2));
      await writeTar(damaged(), entries);
      const report = await verifyPdv(damaged());
      expect(report.problems).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ kind: 'altered', path: name }),
          expect.objectContaining({ kind: 'index-mismatch', path: pdfOfA() }),
          expect.objectContaining({ kind: 'altered', path: pdfOfA(), detail: expect.stringContaining('manifest.json') }),
        ]),
      );
    });

    it('reports a missing or unreadable index', async () => {
      await writeTar(damaged(), entries.filter((x) => !x.name.endsWith('/indice.xml')));
      const noIndex = await verifyPdv(damaged());
      expect(noIndex.problems).toEqual([expect.objectContaining({ kind: 'missing', path: 'PdV-test-0001/indice.xml' })]);
      await writeTar(damaged(), entries.map((x) => (x.name.endsWith('/indice.xml') ? { ...x, body: Buffer.from('<sincro:IdC') } : x)));
      const badIndex = await verifyPdv(damaged());
      expect(badIndex.problems).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'invalid-index', path: 'PdV-test-0001/indice.xml' })]));
    });

    it('reports a truncated tar, naming the file it ends in and the files after it', async () => {
      const bytes = await readFile(out());
      await writeFile(damaged(), bytes.subarray(0, 700));
      const early = await verifyPdv(damaged());
      expect(early.ok).toBe(false);
      expect(early.problems.map((p) => p.kind)).toContain('invalid-tar');
      // Cut inside the original of the first document (after indice.xml, pdv.json and its manifest.json).
      const names = entries.map((e) => e.name);
      expect(names[3]).toMatch(/\/original\.tif$/);
      let offset = 0;
      for (const e of entries.slice(0, 3)) offset += 512 + Math.ceil(e.body.length / 512) * 512;
      await writeFile(damaged(), bytes.subarray(0, offset + 512 + 40_000));
      const report = await verifyPdv(damaged());
      expect(report.problems).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ kind: 'invalid-tar', path: '' }),
          expect.objectContaining({ kind: 'altered', path: names[3], detail: expect.stringContaining('truncated') }),
          expect.objectContaining({ kind: 'missing', path: names[4] }),
          expect.objectContaining({ kind: 'missing', path: names.at(-1) }),
        ]),
      );
      expect(report.problems.filter((p) => p.path === names[3])).toHaveLength(1);
    });
  });
});

describe('PdV export refuses a damaged archive', () => {
  it('fails naming an object whose bytes no longer match its manifest, and leaves no file', async () => {
    const key = `${docs.b.archiveKey}/${PACKAGE_FILES.pdf}`;
    const good = docs.b.files[PACKAGE_FILES.pdf]!;
    const bad = Buffer.from(good);
    bad[20] = bad[20]! ^ 0xff;
    await store.put(key, bad);
    const out = path.join(tmp.dir, 'refused.tar');
    try {
      const err = await exportPdvToFile({ store, db }, out, { selection: { titolarioClass: 'VI' }, id: 'refused', created: CREATED }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PdvIntegrityError);
      expect((err as PdvIntegrityError).key).toBe(key);
      expect((err as Error).message).toContain(key);
      expect(existsSync(out)).toBe(false);
      expect(existsSync(`${out}.partial`)).toBe(false);
      // Same with a longer object, and with a stream the caller owns.
      await store.put(key, Buffer.concat([good, Buffer.from('tail')]));
      const sink: Buffer[] = [];
      const { Writable } = await import('node:stream');
      const w = new Writable({ write: (c: Buffer, _e, cb) => (sink.push(c), cb()) });
      await expect(exportPdv({ store, db }, w, { selection: { practice: 'PE 45/1990' }, id: 'x', created: CREATED })).rejects.toThrow(key);
    } finally {
      await store.put(key, good);
    }
  });

  it('fails, without hanging, when the output fails', async () => {
    const { Writable } = await import('node:stream');
    let seen = 0;
    const w = new Writable({
      highWaterMark: 1024,
      write: (c: Buffer, _e, cb) => {
        seen += c.length;
        setImmediate(() => cb(seen > 50_000 ? new Error('disk full') : null));
      },
    });
    await expect(exportPdv({ store, db }, w, { selection: {}, id: 'full', created: CREATED })).rejects.toThrow(/disk full/);
  });

  it('fails naming an object that is gone', async () => {
    const key = `${docs.c.archiveKey}/${PACKAGE_FILES.text}`;
    const body = docs.c.files[PACKAGE_FILES.text]!;
    await store.delete(key);
    try {
      await expect(
        exportPdvToFile({ store, db }, path.join(tmp.dir, 'gone.tar'), { selection: { titolarioClass: 'X' }, created: CREATED }),
      ).rejects.toThrow(key);
    } finally {
      await store.put(key, body);
    }
  });
});

describe('PdV index', () => {
  it('escapes text, round-trips, and rejects a hash that is not SHA-256 hex', () => {
    const index = {
      id: 'PdV-x/indice.xml',
      submissionId: 'PdV-x',
      application: { name: 'Faldone', version: '0.1.0', producer: 'A & B <srl>' },
      agent: 'Comune di "Sant\'Elia"',
      timeReference: CREATED,
      groups: [
        {
          label: 'doc — PE 1/2000',
          documentId: 'doc',
          practice: 'PE 1/2000',
          files: [{ id: 'doc/a.json', path: 'doc/a.json', sha256: '0123456789'.repeat(6) + '0123', size: 3, mediaType: 'application/json', role: 'testo-ocr' }],
        },
      ],
    };
    const xml = buildIndexXml(index);
    expect(parseIndexXml(xml)).toEqual(index);
    expect(() => buildIndexXml({ ...index, groups: [{ ...index.groups[0]!, files: [{ ...index.groups[0]!.files[0]!, sha256: 'abc' }] }] })).toThrow(PdvIndexError);
    expect(() => parseIndexXml(xml.replace('function="SHA-256"', 'function="MD5"'))).toThrow(/SHA-256/);
    // Another prefix for the same namespace reads the same.
    expect(parseIndexXml(xml.replaceAll('sincro:', 's:').replace('xmlns:sincro=', 'xmlns:s='))).toEqual(index);
  });

  it('accepts an empty stream as a damaged package, not a crash', async () => {
    const report = await verifyPdv(Readable.from([]));
    expect(report.ok).toBe(false);
  });
});

