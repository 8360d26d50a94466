// Conformity of a batch's image copies over real HTTP, on the S3 adapter (s3rver): a reproducible sample, page
// outcomes, the closing report, the attestation issued by a POST (idempotent, audited) and downloaded by a GET that
// issues nothing, whose hashes equal the stored bytes (read back from the PDF with pdf.js), a .p7m signed here with
// openssl accepted and recorded in every manifest (schema-valid, fixity clean, kept by a rebuild), other files
// refused, another Comune's staff answered 404, and a tampered file refused.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteConformityStore } from '../../src/conformity/sqlite.conformity-store.ts';
import { SqliteMetadataStore } from '../../src/db/sqlite.metadata.ts';
import { createSqliteSearchIndex } from '../../src/index/sqlite.search-index.ts';
import { extractPdfText } from '../../src/ocr/pdf-text.ts';
import { auditFixity } from '../../src/store/fixity.ts';
import { sha256 } from '../../src/store/hash.ts';
import { PACKAGE_FILES } from '../../src/store/keys.ts';
import type { Manifest } from '../../src/store/manifest.ts';
import { exportPdvToFile } from '../../src/store/pdv-export.ts';
import { verifyPdv } from '../../src/store/pdv-verify.ts';
import { rebuildFromStore } from '../../src/store/rebuild.ts';
import { bearerUser, type BearerCaller } from '../helpers/auth.ts';
import { startApi } from '../helpers/http.ts';
import { validateManifestJson } from '../helpers/manifest-validator.ts';
import { readPdv, readTar, writeTar } from '../helpers/pdv-tar.ts';
import { createWorld, type World } from '../helpers/pipeline-world.ts';
import { BASSA_ROMAGNA } from '../helpers/bassa-romagna.ts';
import { archiveDocument, type ArchivedDocument } from './archived-batch.ts';

let world: World;
let api: Awaited<ReturnType<typeof startApi>>;
let lugo: BearerCaller; // archivist of Lugo, the batch's Comune
let bagnacavallo: BearerCaller; // archivist of another Comune of the union
let batchId: string;
let docs: ArchivedDocument[];
let attestationPdf: Buffer;

const call = (method: string, p: string, caller: BearerCaller, body?: unknown) =>
  fetch(`${api.url}/api/batches/${batchId}${p}`, {
    method,
    headers: { ...caller.headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
const upload = (bytes: Buffer, name: string, caller = lugo) => {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), name);
  return fetch(`${api.url}/api/batches/${batchId}/attestation/signed`, {
    method: 'POST',
    headers: caller.headers,
    body: form,
  });
};
const manifestOf = async (d: ArchivedDocument) =>
  JSON.parse(
    (await world.services.store.getBuffer(`${d.archiveKey}/${PACKAGE_FILES.manifest}`)).toString(),
  ) as Manifest;

beforeAll(async () => {
  world = await createWorld(BASSA_ROMAGNA, { workers: false, store: 's3' });
  const { db, store } = world.services;
  const batch = await db.createBatch({ label: 'Scatola 14 — pratiche 1987', source: 'upload', comune: 'E730' });
  batchId = batch.id;
  docs = [];
  for (const [tag, pages] of [
    ['pratica-pe-12-1987', 7],
    ['pratica-pe-13-1987', 3],
    ['tavola-unica', 1],
  ] as const)
    docs.push(await archiveDocument({ db, store }, batchId, tag, pages));
  // A document of the batch still being processed is not part of the attestation.
  await db.createDocument({
    id: 'f'.repeat(64),
    sha256: 'f'.repeat(64),
    batchId,
    filename: 'in-corso.tif',
    mediaType: 'image/tiff',
    size: 1,
  });
  api = await startApi(world.services);
  lugo = await bearerUser(world.services, 'archivist', { comune: 'E730' });
  bagnacavallo = await bearerUser(world.services, 'archivist', { comune: 'A547' });
}, 60_000);

afterAll(async () => {
  await api?.app.close();
  await world?.close();
});

describe('verification by sampling', () => {
  it('draws the same pages for the same seed among the archived documents', async () => {
    const a = await call('POST', '/verification/sample', lugo, { size: 5, seed: 'scatola-14' });
    expect(a.status, await a.clone().text()).toBe(201);
    const first = await a.json();
    const b = await (await call('POST', '/verification/sample', lugo, { size: 5, seed: 'scatola-14' })).json();
    expect(b.pages.map((p: any) => [p.documentId, p.page])).toEqual(
      first.pages.map((p: any) => [p.documentId, p.page]),
    );
    expect(first.pages).toHaveLength(5);
    const pagesOf = new Map(docs.map((d) => [d.id, d.pages]));
    for (const p of first.pages) expect(p.page).toBeLessThanOrEqual(pagesOf.get(p.documentId)!);
    const byPercent = await (
      await call('POST', '/verification/sample', lugo, { percent: 50, seed: 'scatola-14' })
    ).json();
    expect(byPercent.pages).toHaveLength(6); // 50 % of 11 pages, rounded up
    expect((await call('POST', '/verification/sample', lugo, {})).status).toBe(400);
  });

  it('answers 404 to the staff of another Comune, as for a missing batch', async () => {
    expect((await call('POST', '/verification/sample', bagnacavallo, { size: 2 })).status).toBe(404);
    expect((await call('GET', '/conformity', bagnacavallo)).status).toBe(404);
    expect((await call('GET', '/attestation', bagnacavallo)).status).toBe(404);
    expect((await call('POST', '/attestation', bagnacavallo)).status).toBe(404);
    expect((await call('GET', '/attestation.pdf', bagnacavallo)).status).toBe(404);
    expect((await upload(Buffer.from('x'), 'x.p7m', bagnacavallo)).status).toBe(404);
  });

  it('records each page, refuses to close early and closes with the report of who checked what', async () => {
    const v = await (await call('POST', '/verification/sample', lugo, { size: 4, seed: 'verbale' })).json();
    const notClosed = await call('POST', '/attestation', lugo);
    expect(notClosed.status).toBe(409);
    expect((await notClosed.json()).error.code).toBe('VERIFICATION_NOT_CLOSED');
    const early = await call('POST', '/verification/close', lugo);
    expect(early.status).toBe(409);
    expect((await early.json()).error.code).toBe('SAMPLE_INCOMPLETE');
    const [bad, ...good] = v.pages as Array<{ documentId: string; page: number }>;
    const url = (p: { documentId: string; page: number }) => `/verification/pages/${p.documentId}/${p.page}`;
    expect((await call('PUT', url(bad!), lugo, { outcome: 'non conforme' })).status).toBe(422);
    expect(
      (await call('PUT', url(bad!), lugo, { outcome: 'non conforme', problem: 'margine tagliato in basso' })).status,
    ).toBe(200);
    for (const p of good) expect((await call('PUT', url(p), lugo, { outcome: 'conforme' })).status).toBe(200);
    const outside = { documentId: docs[2]!.id, page: 99 };
    expect((await call('PUT', url(outside), lugo, { outcome: 'conforme' })).status).toBe(404);
    // The page was re-scanned and checked again: the last outcome counts.
    expect((await call('PUT', url(bad!), lugo, { outcome: 'conforme' })).status).toBe(200);

    const closed = await call('POST', '/verification/close', lugo);
    expect(closed.status).toBe(200);
    const { report } = await closed.json();
    expect(report).toMatchObject({
      checkedBy: { id: lugo.user.id, username: lugo.user.username },
      sampleSize: 4,
      pagesChecked: 4,
      population: 11,
      documents: 3,
      conformi: 4,
      nonConformi: 0,
      outcome: 'conforme',
    });
    expect((await call('PUT', url(bad!), lugo, { outcome: 'conforme' })).status).toBe(409);
  });
});

describe('attestation', () => {
  it('lists every file of every archived document with the SHA-256 of the stored bytes', async () => {
    const res = await call('GET', '/attestation', lugo);
    expect(res.status).toBe(200);
    const data = await res.json();
    expect(data).toMatchObject({
      ente: { codice: 'E730', nome: 'Lugo' },
      problemi: [],
      totali: { documenti: 3, file: 12 },
    });
    // Independently: every object under each package, hashed from the store.
    for (const d of docs) {
      const listed = data.documenti.find((x: any) => x.documentId === d.id);
      const stored: Array<[string, string]> = [];
      for await (const key of world.services.store.list(`${d.archiveKey}/`))
        stored.push([key, sha256(await world.services.store.getBuffer(key))]);
      expect(listed.files.map((f: any) => [f.key, f.sha256]).sort()).toEqual(stored.sort());
    }
    expect(data.documenti.map((d: any) => d.filename)).not.toContain('in-corso.tif');
  });

  it('has nothing to download before it is issued, and a GET issues nothing', async () => {
    const res = await call('GET', '/attestation.pdf', lugo);
    expect(res.status).toBe(404);
    const { error } = await res.json();
    expect(error.code).toBe('NO_ATTESTATION');
    expect(error.message).toContain('Nessuna attestazione emessa per questo lotto');
    expect(await world.services.conformity.listAttestations(batchId)).toEqual([]);
    const stored: string[] = [];
    for await (const key of world.services.store.list(`conformity/${batchId}/attestazione-`)) stored.push(key);
    expect(stored).toEqual([]);
    // Reading its content writes nothing either, not even the verification report missing from the store.
    const { verifica } = await (await call('GET', '/attestation', lugo)).json();
    await world.services.store.delete(verifica.verbale.chiave);
    const again = await (await call('GET', '/attestation', lugo)).json();
    expect(again.verifica.verbale).toEqual(verifica.verbale);
    expect(await world.services.store.head(verifica.verbale.chiave)).toBeNull();
  });

  it('is issued by a POST, once for the same batch state, and audited on each issue', async () => {
    const first = await call('POST', '/attestation', lugo);
    expect(first.status, await first.clone().text()).toBe(201);
    const issued = await first.json();
    expect(issued).toMatchObject({ batchId, issuedBy: lugo.user.username });
    const again = await call('POST', '/attestation', lugo);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(issued);
    expect(await world.services.conformity.listAttestations(batchId)).toEqual([issued]);
    const events = await world.services.db.listEvents({ batchId });
    expect(events.filter((e) => e.type === 'conformity.attestation_issued')).toHaveLength(1);
    const audit = await world.services.auth.listAudit({ action: 'conformity.attestation' });
    expect(audit.entries).toHaveLength(2);
    expect(audit.entries[0]).toMatchObject({ targetId: batchId, comune: 'E730' });
    // Issuing put back the verification report it cites.
    const { verifica } = await (await call('GET', '/attestation', lugo)).json();
    expect(sha256(await world.services.store.getBuffer(verifica.verbale.chiave))).toBe(verifica.verbale.sha256);
  });

  it('downloads the latest issued PDF, the same bytes each time, whose text carries every stored hash', async () => {
    const one = await call('GET', '/attestation.pdf', lugo);
    expect(one.status).toBe(200);
    expect(one.headers.get('content-type')).toBe('application/pdf');
    attestationPdf = Buffer.from(await one.arrayBuffer());
    expect(one.headers.get('x-faldone-sha256')).toBe(sha256(attestationPdf));
    const two = Buffer.from(await (await call('GET', '/attestation.pdf', lugo)).arrayBuffer());
    expect(two.equals(attestationPdf)).toBe(true);
    // Reading is not issuing: no audit entry and no new attestation.
    expect((await world.services.auth.listAudit({ action: 'conformity.attestation' })).entries).toHaveLength(2);

    const text = (await extractPdfText(attestationPdf)).join('\n');
    const { verifica } = await (await call('GET', '/attestation', lugo)).json();
    expect(text).toContain(verifica.verbale.sha256);
    expect(text).toContain('ATTESTAZIONE DI CONFORMIT');
    expect(text).toContain('COMUNE DI LUGO');
    expect(text).toContain('Scatola 14');
    expect(text).toContain('Nome e cognome');
    const hashes = new Set(text.match(/\b[0-9a-f]{64}\b/g));
    for (const d of docs)
      for await (const key of world.services.store.list(`${d.archiveKey}/`))
        expect(hashes.has(sha256(await world.services.store.getBuffer(key))), key).toBe(true);
    // Stored beside the batch under its own hash, and recorded as issued.
    const status = await (await call('GET', '/conformity', lugo)).json();
    expect(status.attestations).toHaveLength(1);
    expect(status.attestations[0].sha256).toBe(sha256(attestationPdf));
    expect(sha256(await world.services.store.getBuffer(status.attestations[0].key))).toBe(sha256(attestationPdf));
  });
});

describe('signed attestation', () => {
  let dir: string;
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const p7m = (content: Buffer): Buffer => {
    writeFileSync(path.join(dir, 'in.pdf'), content);
    openssl(
      'cms',
      '-sign',
      '-binary',
      '-nodetach',
      '-in',
      'in.pdf',
      '-signer',
      'cert.pem',
      '-inkey',
      'key.pem',
      '-outform',
      'DER',
      '-out',
      'out.p7m',
    );
    return readFileSync(path.join(dir, 'out.p7m'));
  };
  beforeAll(() => {
    dir = world.dataDir;
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'key.pem',
      '-out',
      'cert.pem',
      '-days',
      '2',
      '-subj',
      '/CN=Maria Verdi/O=Comune di Lugo',
    );
  });

  it('refuses a random file and an envelope of other content', async () => {
    const random = await upload(Buffer.from('%%% non è una busta di firma %%%'.repeat(10)), 'attestazione.pdf.p7m');
    expect(random.status).toBe(422);
    expect((await random.json()).error.code).toBe('NOT_SIGNED');
    const other = await upload(p7m(Buffer.from('%PDF-1.7\nun altro documento\n%%EOF\n')), 'altro.pdf.p7m');
    expect(other.status).toBe(422);
    expect((await other.json()).error.code).toBe('NOT_OUR_ATTESTATION');
    expect((await (await call('GET', '/conformity', lugo)).json()).signed).toEqual([]);
  });

  it('accepts the .p7m of the issued attestation and records it in every manifest', async () => {
    const signedBytes = p7m(attestationPdf);
    const res = await upload(signedBytes, 'attestazione.pdf.p7m');
    expect(res.status, await res.clone().text()).toBe(201);
    const { signed, manifests } = await res.json();
    expect(signed).toMatchObject({
      format: 'cades',
      sha256: sha256(signedBytes),
      attestationSha256: sha256(attestationPdf),
    });
    expect(signed.signer).toContain('Maria Verdi');
    expect(manifests).toEqual({ documents: 3, problems: [] });
    expect(sha256(await world.services.store.getBuffer(signed.key))).toBe(sha256(signedBytes));
    expect(signed.key.startsWith(`conformity/${batchId}/`)).toBe(true);

    for (const d of docs) {
      const m = await manifestOf(d);
      expect(validateManifestJson(m), JSON.stringify(validateManifestJson.errors)).toBe(true);
      expect(m.verifica.conformitaCopieImmagineSuSupportoInformatico).toBe(true);
      expect(m.conformita).toMatchObject({
        attestazione: { sha256: sha256(attestationPdf) },
        firma: { sha256: sha256(signedBytes), formato: 'CAdES', chiave: signed.key },
        verifica: { esito: 'conforme', campione: 4, verificatoDa: lugo.user.username },
      });
      // The full verification report is in the store, cited by hash.
      const verbale = m.conformita!.verifica.verbale!;
      const report = await world.services.store.getBuffer(verbale.chiave);
      expect(sha256(report)).toBe(verbale.sha256);
      expect(JSON.parse(report.toString()).pages).toHaveLength(4);
      expect(m.tracciatureModifiche.at(-1)).toMatchObject({
        tipo: 'conformity.attested',
        soggetto: lugo.user.username,
      });
      const events = await world.services.db.listEvents({ documentId: d.id });
      expect(events.map((e) => e.type)).toContain('conformity.attested');
    }
    const audit = await world.services.auth.listAudit({ action: 'conformity.signed' });
    expect(audit.entries).toHaveLength(1);
    expect(audit.entries[0]).toMatchObject({ targetId: batchId, comune: 'E730' });
  });

  it('keeps the fixity audit clean, the PdV verifiable and the conformity through a rebuild', async () => {
    const fixity = await auditFixity(world.services);
    expect(fixity.problems).toEqual([]);
    const out = path.join(world.dataDir, 'pdv.tar');
    await exportPdvToFile(world.services, out, { selection: {}, id: 'pdv-conformita' });
    expect((await verifyPdv(out)).ok).toBe(true);
    // Read back: the signed attestation and the verification report the manifests cite, with their SHA-256 in the
    // index and in pdv.json, beside the document folders.
    const pdv = await readPdv(out);
    const [signed] = await world.services.conformity.listSigned(batchId);
    const verbale = (await manifestOf(docs[0]!)).conformita!.verifica.verbale!;
    const expected = [
      {
        path: `conformita/${batchId}/${path.basename(signed!.key)}`,
        sha256: signed!.sha256,
        role: 'attestazione-firmata',
      },
      {
        path: `conformita/${batchId}/${path.basename(verbale.chiave)}`,
        sha256: verbale.sha256,
        role: 'verbale-verifica',
      },
    ];
    for (const e of expected) {
      expect(sha256(pdv.files.get(e.path)!), e.path).toBe(e.sha256);
      const listed = pdv.index.groups.flatMap((g) => g.files).find((f) => f.path === e.path);
      expect(listed).toMatchObject({ sha256: e.sha256, role: e.role });
    }
    expect(pdv.summary.related).toEqual([
      { kind: 'conformita', id: batchId, files: expected.map((e) => expect.objectContaining(e)) },
    ]);
    expect(pdv.files.get(expected[0]!.path)!.equals(await world.services.store.getBuffer(signed!.key))).toBe(true);
    // The verifier holds them to the index: an altered signed file, or a missing one, is reported.
    const entries = await readTar(out);
    const signedEntry = `${pdv.root}/${expected[0]!.path}`;
    const damaged = path.join(world.dataDir, 'pdv-danneggiato.tar');
    await writeTar(
      damaged,
      entries.map((e) => (e.name === signedEntry ? { ...e, body: Buffer.concat([e.body, Buffer.from('x')]) } : e)),
    );
    expect((await verifyPdv(damaged)).problems).toEqual([
      expect.objectContaining({ kind: 'altered', path: signedEntry }),
    ]);
    await writeTar(
      damaged,
      entries.filter((e) => e.name !== signedEntry),
    );
    expect((await verifyPdv(damaged)).problems).toEqual([
      expect.objectContaining({ kind: 'missing', path: signedEntry }),
    ]);

    const dbPath = world.services.config.db.path + '.rebuilt';
    const searchPath = world.services.config.search.path + '.rebuilt';
    const freshDb = new SqliteMetadataStore(dbPath);
    const freshSearch = createSqliteSearchIndex({ path: searchPath });
    const freshConformity = new SqliteConformityStore(dbPath);
    try {
      const before = await manifestOf(docs[0]!);
      const report = await rebuildFromStore({
        store: world.services.store,
        db: freshDb,
        search: freshSearch,
        conformity: freshConformity,
      });
      expect(report.problems).toEqual([]);
      expect((await freshDb.listEvents({ documentId: docs[0]!.id })).map((e) => e.type)).toContain(
        'conformity.attested',
      );
      expect(await manifestOf(docs[0]!)).toEqual(before);
      // The batch's conformity comes back from the packages: the same verification, attestation and signed file.
      const live = world.services.conformity;
      expect(await freshConformity.latestVerification(batchId)).toEqual(await live.latestVerification(batchId));
      expect(await freshConformity.listSigned(batchId)).toEqual(await live.listSigned(batchId));
      expect((await freshConformity.listAttestations(batchId)).map((a) => [a.sha256, a.key, a.size])).toEqual(
        (await live.listAttestations(batchId)).map((a) => [a.sha256, a.key, a.size]),
      );
    } finally {
      await freshConformity.close();
      await freshSearch.close();
      await freshDb.close();
      await rm(dbPath, { force: true });
      await rm(searchPath, { force: true });
    }
  });
});

describe('a verification that found a page not conforming', () => {
  it('gives no attestation to sign', async () => {
    const { db, store } = world.services;
    const other = await db.createBatch({ label: 'Scatola 15', source: 'upload', comune: 'E730' });
    const doc = await archiveDocument({ db, store }, other.id, 'pratica-pe-40-1988', 1);
    const at = (p: string) => `${api.url}/api/batches/${other.id}${p}`;
    const json = { ...lugo.headers, 'content-type': 'application/json' };
    expect(
      (await fetch(at('/verification/sample'), { method: 'POST', headers: json, body: JSON.stringify({ size: 1 }) }))
        .status,
    ).toBe(201);
    const marked = await fetch(at(`/verification/pages/${doc.id}/1`), {
      method: 'PUT',
      headers: json,
      body: JSON.stringify({ outcome: 'non conforme', problem: 'pagina illeggibile' }),
    });
    expect(marked.status).toBe(200);
    const closed = await (await fetch(at('/verification/close'), { method: 'POST', headers: lugo.headers })).json();
    expect(closed.report).toMatchObject({
      outcome: 'non conforme',
      nonConformi: 1,
      problems: [{ documentId: doc.id, page: 1, problem: 'pagina illeggibile' }],
    });
    const res = await fetch(at('/attestation'), { method: 'POST', headers: lugo.headers });
    expect(res.status).toBe(409);
    expect((await res.json()).error.code).toBe('VERIFICATION_NOT_CONFORME');
    expect((await fetch(at('/attestation.pdf'), { headers: lugo.headers })).status).toBe(404);
  });
});

describe('a stored file altered after archiving', () => {
  it('is reported by the fixity audit when it is the signed attestation cited by the manifests', async () => {
    const { signed } = await (await call('GET', '/conformity', lugo)).json();
    const original = await world.services.store.getBuffer(signed[0].key);
    await world.services.store.put(signed[0].key, Buffer.concat([original, Buffer.from('x')]));
    try {
      const report = await auditFixity(world.services);
      expect(report.problems).toEqual([expect.objectContaining({ kind: 'altered', key: signed[0].key })]);
      // Nor is it exported: the PdV aborts naming it, and leaves no file.
      const out = path.join(world.dataDir, 'pdv-alterato.tar');
      await expect(exportPdvToFile(world.services, out, { selection: {}, id: 'pdv-alterato' })).rejects.toThrow(
        signed[0].key,
      );
      expect(existsSync(out)).toBe(false);
    } finally {
      await world.services.store.put(signed[0].key, original);
    }
    expect((await auditFixity(world.services)).ok).toBe(true);
  });

  it('is reported by the attestation, which is then refused', async () => {
    const key = `${docs[1]!.archiveKey}/${PACKAGE_FILES.pdf}`;
    await world.services.store.put(key, Buffer.from('%PDF-1.7\n% sostituito di nascosto\n%%EOF\n'));
    const data = await (await call('GET', '/attestation', lugo)).json();
    expect(data.problemi).toEqual([expect.objectContaining({ kind: 'altered', key })]);
    const res = await call('POST', '/attestation', lugo);
    expect(res.status).toBe(409);
    const body = await res.json();
    expect(body.error.code).toBe('FIXITY_MISMATCH');
    expect(body.error.problems[0].key).toBe(key);
    // The attestation issued before stays the one to download.
    const latest = await call('GET', '/attestation.pdf', lugo);
    expect(latest.status).toBe(200);
    expect(sha256(Buffer.from(await latest.arrayBuffer()))).toBe(sha256(attestationPdf));
  });

  it('refuses to hand out an issued attestation whose stored copy was altered', async () => {
    const [issued] = await world.services.conformity.listAttestations(batchId);
    await world.services.store.put(issued!.key, Buffer.concat([attestationPdf, Buffer.from('x')]));
    try {
      const res = await call('GET', '/attestation.pdf', lugo);
      expect(res.status).toBe(409);
      const { error } = await res.json();
      expect(error).toMatchObject({ code: 'FIXITY_MISMATCH', problems: [{ kind: 'altered', key: issued!.key }] });
    } finally {
      await world.services.store.put(issued!.key, attestationPdf);
    }
  });
});
