// The walking skeleton's acceptance: real Redis, real tesseract.js, real SQLite, real PDFs read back with pdf.js.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { waitForBatch } from '../../src/ingest/batch-progress.ts';
import { extractPdfText } from '../../src/ocr/pdf-text.ts';
import type { DocumentText } from '../../src/ocr/assemble.job.ts';
import { sha256 } from '../../src/store/hash.ts';
import { keys, PACKAGE_FILES } from '../../src/store/keys.ts';
import type { Manifest } from '../../src/store/manifest.ts';
import { createWorld, type World } from '../helpers/pipeline-world.ts';
import { fixture, words } from '../helpers/fixtures.ts';
import { startApi, uploadBatch } from '../helpers/http.ts';
import { validateManifestJson } from '../helpers/manifest-validator.ts';

let world: World;
let api: Awaited<ReturnType<typeof startApi>>;
const tiff = fixture('tiff', { multiPage: true });
const pdf = fixture('pdf', { multiPage: true });
const jpeg = fixture('jpeg');
let batchId: string;
let items: Array<{ filename: string; outcome: string; documentId?: string; error?: string }>;

beforeAll(async () => {
  world = await createWorld();
  api = await startApi(world.services);
  const truncated = (await readFile(tiff.path)).subarray(0, 3000);
  const res = await uploadBatch(api.url, [tiff.path, pdf.path, jpeg.path, { name: 'scansione-rotta.tif', data: truncated }], api.headers);
  expect(res.status).toBe(201);
  batchId = res.body.batch.id;
  items = res.body.items;
  await waitForBatch(world.services.db, batchId, { timeoutMs: 240_000 });
}, 300_000);

afterAll(async () => {
  await api?.app.close();
  await world?.close();
});

const docIdOf = (name: string) => items.find((i) => i.filename === name)!.documentId!;

describe('the pipeline end to end', () => {
  it('archives the TIFF, the scanned PDF and the JPEG while the corrupt file fails alone', async () => {
    const { db } = world.services;
    for (const f of [tiff, pdf, jpeg]) {
      const doc = await db.getDocument(docIdOf(f.file));
      expect(doc?.status, `${f.file}: ${doc?.error}`).toBe('archived');
      expect(doc?.pageCount).toBe(f.pages.length);
    }
    const broken = await db.getDocument(docIdOf('scansione-rotta.tif'));
    expect(broken?.status).toBe('failed');
    expect(broken?.failedStep).toBe('prepare');
    expect(broken?.error).toMatch(/TIFF/i);
  });

  it('keeps the original of the failed document in quarantine, byte for byte', async () => {
    const id = docIdOf('scansione-rotta.tif');
    const kept = await world.services.store.getBuffer(`${keys.quarantine(id)}/original`);
    expect(sha256(kept)).toBe(id);
    const reason = JSON.parse((await world.services.store.getBuffer(`${keys.quarantine(id)}/reason.json`)).toString());
    expect(reason.reason).toMatch(/TIFF/i);
  });

  it('serves a searchable PDF whose extracted text matches the OCR, page by page', async () => {
    for (const f of [tiff, pdf, jpeg]) {
      const id = docIdOf(f.file);
      const res = await fetch(`${api.url}/api/documents/${id}/pdf`, { headers: api.headers });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      const pages = await extractPdfText(new Uint8Array(await res.arrayBuffer()));
      const text = (await (await fetch(`${api.url}/api/documents/${id}/text`, { headers: api.headers })).json()) as DocumentText;
      expect(pages).toHaveLength(f.pages.length);
      // Same characters in the same order; pdf.js may join two words whose boxes touch, so spacing is not compared.
      const squash = (s: string) => s.replace(/\s+/g, '');
      pages.forEach((p, i) => expect(squash(p)).toBe(squash(text.pages[i]!.text)));
    }
  });

  it('recognises the text well enough that most ground-truth words are found', async () => {
    const doc = await world.services.db.getDocument(docIdOf(tiff.file));
    const text = JSON.parse((await world.services.store.getBuffer(`${doc!.archiveKey}/${PACKAGE_FILES.text}`)).toString()) as DocumentText;
    const expected = words(tiff.pages[1]!.text);
    const got = new Set(words(text.pages[1]!.text));
    const found = expected.filter((w) => got.has(w)).length / expected.length;
    expect(found).toBeGreaterThan(0.9);
  });

  it('finds a phrase from page 2 and names that document and page 2', async () => {
    const id = docIdOf(tiff.file);
    const doc = await world.services.db.getDocument(id);
    const text = JSON.parse((await world.services.store.getBuffer(`${doc!.archiveKey}/${PACKAGE_FILES.text}`)).toString()) as DocumentText;
    // A phrase of page 2 that the ground truth and the OCR agree on, and that page 1 does not contain.
    const truth = words(tiff.pages[1]!.text).filter((w) => /^[\p{L}]{4,}$/u.test(w));
    const ocr2 = text.pages[1]!.text.toLowerCase();
    const page1 = text.pages[0]!.text.toLowerCase();
    let phrase = '';
    for (let i = 0; i + 3 <= truth.length && !phrase; i++) {
      const candidate = truth.slice(i, i + 3).join(' ');
      if (ocr2.includes(candidate) && !page1.includes(candidate)) phrase = candidate;
    }
    expect(phrase, 'a 3-word phrase shared by truth and OCR on page 2').not.toBe('');
    const res = await fetch(`${api.url}/api/search?q=${encodeURIComponent(`"${phrase}"`)}`, { headers: api.headers });
    const body = await res.json();
    expect(body.hits[0]).toMatchObject({ documentId: id, page: 2 });
    expect(body.hits[0].snippet).toContain('<mark>');
  });

  it('writes manifests whose hashes equal the stored bytes', async () => {
    for (const f of [tiff, pdf, jpeg]) {
      const doc = await world.services.db.getDocument(docIdOf(f.file));
      const manifest = JSON.parse((await world.services.store.getBuffer(`${doc!.archiveKey}/${PACKAGE_FILES.manifest}`)).toString()) as Manifest;
      expect(validateManifestJson(manifest), JSON.stringify(validateManifestJson.errors)).toBe(true);
      expect(manifest.identificativo).toEqual({ id: doc!.id, impronta: doc!.sha256, algoritmo: 'SHA-256' });
      expect(manifest.files.map((x) => x.role).sort()).toEqual(['copia-per-immagine-ricercabile', 'originale', 'testo-ocr']);
      for (const file of manifest.files) {
        const bytes = await world.services.store.getBuffer(`${doc!.archiveKey}/${file.name}`);
        expect(sha256(bytes), file.name).toBe(file.sha256);
      }
      const original = manifest.files.find((x) => x.role === 'originale')!;
      expect(original.sha256).toBe(sha256(await readFile(f.path)));
      expect(manifest.tracciatureModifiche.map((e) => e.tipo)).toEqual(expect.arrayContaining(['received', 'classified', 'archived']));
    }
  });

  it('classifies the practice documents with their practice number', async () => {
    for (const f of [tiff, pdf].filter((x) => x.practice)) {
      const doc = await world.services.db.getDocument(docIdOf(f.file));
      const m = doc!.classification as { practice?: { number: number; year: number }; documentType: string };
      expect(m.practice).toMatchObject({ number: f.practice!.number, year: f.practice!.year });
      expect(m.documentType).toBe(f.documentType);
    }
  });

  it('reports the same file uploaded twice as a duplicate and creates no second document', async () => {
    const before = await world.services.db.listDocuments({});
    const res = await uploadBatch(api.url, [jpeg.path], api.headers);
    expect(res.body.items).toEqual([expect.objectContaining({ outcome: 'duplicate', documentId: docIdOf(jpeg.file) })]);
    const summary = await waitForBatch(world.services.db, res.body.batch.id, { timeoutMs: 5000 });
    expect(summary).toMatchObject({ duplicates: 1, accepted: 0, done: true });
    expect(await world.services.db.listDocuments({})).toHaveLength(before.length);
  });

  it('counts pages, archived and failed documents in the metrics', async () => {
    const text = await (await fetch(`${api.url}/metrics`)).text();
    const pages = [tiff, pdf, jpeg].reduce((n, f) => n + f.pages.length, 0);
    expect(text).toContain(`faldone_pages_ocr_total ${pages}`);
    expect(text).toContain('faldone_documents_total{status="archived"} 3');
    expect(text).toContain('faldone_documents_total{status="failed"} 1');
  });

  it('leaves no work files or inbox originals behind once documents are archived', async () => {
    const left: string[] = [];
    for await (const k of world.services.store.list('work/')) left.push(k);
    for await (const k of world.services.store.list('originals/')) left.push(k);
    expect(left).toEqual([]);
  });
});
