import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { silentLogger } from '../../src/core/logger.ts';
import { SqliteMetadataStore } from '../../src/db/sqlite.metadata.ts';
import type { LinkableMetadata } from '../../src/classify/practice-keys.ts';
import { linkDocumentToPractice, practiceNumberConfidence } from '../../src/classify/practice-linker.ts';
import { PracticeService } from '../../src/classify/practice.service.ts';
import { makeTmpDir } from '../helpers/tmp-dir.ts';

let tmp: Awaited<ReturnType<typeof makeTmpDir>>;
let dbFile: string;
let db: SqliteMetadataStore;
let batchId: string;
let service: PracticeService;
let seq = 0;

beforeEach(async () => {
  tmp = await makeTmpDir();
  dbFile = path.join(tmp.dir, 'meta.db');
  db = new SqliteMetadataStore(dbFile);
  batchId = (await db.createBatch({ label: 'fascicoli', source: 'test' })).id;
  service = new PracticeService(db, silentLogger);
});
afterEach(async () => {
  await db.close();
  await tmp.cleanup();
});

/** A new document in the store; its id is a fresh 64-hex sha. */
async function newDocument(): Promise<string> {
  const id = (++seq).toString(16).padStart(64, '0');
  await db.createDocument({ id, sha256: id, batchId, filename: `doc-${seq}.tif`, mediaType: 'image/tiff', size: 10 });
  return id;
}

function meta(m: {
  practice?: [prefix: string, number: number, year: number];
  street?: string;
  civic?: string;
  foglio?: number;
  mappale?: number;
  confidence?: number;
}): LinkableMetadata {
  return {
    confidence: m.confidence ?? 0.9,
    ...(m.practice
      ? {
          practice: {
            prefix: m.practice[0],
            number: m.practice[1],
            year: m.practice[2],
            key: `${m.practice[0]} ${m.practice[1]}/${m.practice[2]}`,
          },
        }
      : {}),
    ...(m.street ? { address: { street: m.street, civic: m.civic ?? '' } } : {}),
    ...(m.foglio ? { cadastral: { foglio: m.foglio, mappale: m.mappale ?? 1 } } : {}),
  };
}

/** Creates a document and links it. */
async function linked(m: Parameters<typeof meta>[0]) {
  const id = await newDocument();
  const result = await linkDocumentToPractice(db, id, meta(m));
  return { id, ...result };
}

const linkEvents = async (documentId: string) =>
  (await db.listEvents({ documentId })).filter((e) => e.type === 'practice.linked');

describe('practice reconstruction', () => {
  it('documents with the same practice number form one practice, sure in proportion to the classifier', async () => {
    const domanda = await linked({
      practice: ['PE', 123, 1987],
      street: 'Via Roma',
      civic: '12',
      foglio: 12,
      mappale: 345,
      confidence: 0.9,
    });
    const relazione = await linked({ practice: ['PE', 123, 1987], confidence: 0.5 });
    expect(relazione.practiceId).toBe(domanda.practiceId);
    expect(domanda).toMatchObject({ outcome: 'linked', confidence: 0.96, reason: 'numero di pratica PE 123/1987' });
    expect(relazione.confidence).toBe(0.89);
    const practice = await db.getPractice(domanda.practiceId!);
    expect(practice).toMatchObject({ key: 'PE 123/1987', label: 'PE 123/1987 — Via Roma 12' });
    expect((await db.listPractices()).map((p) => p.documents)).toEqual([2]);
    const [event] = await linkEvents(domanda.id);
    expect(event).toMatchObject({
      actor: 'system',
      batchId,
      detail: {
        practiceId: domanda.practiceId,
        key: 'PE 123/1987',
        confidence: 0.96,
        reason: 'numero di pratica PE 123/1987',
      },
    });
  });

  it('a practice number outranks a shared parcel whatever the classifier says, and never reaches 1', () => {
    expect(practiceNumberConfidence(0)).toBe(0.8);
    expect(practiceNumberConfidence(1)).toBe(0.98);
    expect(practiceNumberConfidence(Number.NaN)).toBe(0.8);
  });

  it('a letter with only the parcel joins the practice on that parcel with 0.75', async () => {
    const domanda = await linked({ practice: ['PE', 123, 1987], foglio: 12, mappale: 345 });
    const lettera = await linked({ foglio: 12, mappale: 345 });
    expect(lettera).toMatchObject({
      outcome: 'linked',
      practiceId: domanda.practiceId,
      confidence: 0.75,
      reason: 'stessa particella F. 12 m. 345',
    });
    expect(await db.practiceMember(lettera.id)).toMatchObject({
      parcelKey: '12/345',
      linkedBy: 'system',
      locked: false,
    });
  });

  it('a letter with only the address joins the practice at that address with 0.6, however the street is spelled', async () => {
    const domanda = await linked({ practice: ['SCIA', 45, 2019], street: 'Piazza dei Mille', civic: '3/A' });
    const lettera = await linked({ street: 'P.zza dei Mille', civic: '3 a' });
    expect(lettera).toMatchObject({
      practiceId: domanda.practiceId,
      confidence: 0.6,
      reason: 'stesso indirizzo P.zza dei Mille 3 a',
    });
  });

  it('prefers the parcel to the address when they point at different practices', async () => {
    const byParcel = await linked({ practice: ['PE', 1, 1990], foglio: 3, mappale: 30 });
    await linked({ practice: ['PE', 2, 1991], street: 'Via Roma', civic: '1' });
    const lettera = await linked({ foglio: 3, mappale: 30, street: 'Via Roma', civic: '1' });
    expect(lettera).toMatchObject({ practiceId: byParcel.practiceId, confidence: 0.75 });
  });

  it('a document with neither number, parcel nor address stays unlinked', async () => {
    const loose = await linked({});
    expect(loose.outcome).toBe('none');
    expect(await db.practiceMember(loose.id)).toBeNull();
    expect(await db.listPractices()).toEqual([]);
    expect(await linkEvents(loose.id)).toEqual([]);
  });

  it('a place without a practice gets an unnumbered practice labelled by the parcel, else by the address', async () => {
    const byParcel = await linked({ foglio: 7, mappale: 70, street: 'Via Verdi', civic: '2' });
    const byAddress = await linked({ street: 'Via Verdi', civic: '4' });
    expect(byParcel).toMatchObject({
      outcome: 'linked',
      confidence: 0.5,
      reason: 'nuovo fascicolo per la particella F. 7 m. 70',
    });
    expect(await db.getPractice(byParcel.practiceId!)).toMatchObject({ label: 'Foglio 7 mappale 70' });
    expect((await db.getPractice(byParcel.practiceId!))!.key).toBeUndefined();
    expect(await db.getPractice(byAddress.practiceId!)).toMatchObject({ label: 'Via Verdi 4' });
    const neighbour = await linked({ foglio: 7, mappale: 70 });
    expect(neighbour).toMatchObject({ practiceId: byParcel.practiceId, confidence: 0.75 });
  });

  it('relinking gives the same result and records nothing new', async () => {
    const docs = [
      await linked({ practice: ['PE', 123, 1987], foglio: 12, mappale: 345, street: 'Via Roma', civic: '12' }),
      await linked({ foglio: 12, mappale: 345 }),
      await linked({ street: 'Via Roma', civic: '12' }),
      await linked({ foglio: 99, mappale: 1 }),
    ];
    const metas = [
      meta({ practice: ['PE', 123, 1987], foglio: 12, mappale: 345, street: 'Via Roma', civic: '12' }),
      meta({ foglio: 12, mappale: 345 }),
      meta({ street: 'Via Roma', civic: '12' }),
      meta({ foglio: 99, mappale: 1 }),
    ];
    const before = await Promise.all(docs.map((d) => db.practiceMember(d.id)));
    const events = (await db.listEvents({ batchId })).length;
    for (const [i, d] of docs.entries()) {
      const again = await linkDocumentToPractice(db, d.id, metas[i]!);
      expect(again).toMatchObject({
        outcome: 'unchanged',
        practiceId: d.practiceId,
        confidence: d.confidence,
        reason: d.reason,
      });
    }
    expect(await Promise.all(docs.map((d) => db.practiceMember(d.id)))).toEqual(before);
    expect((await db.listEvents({ batchId })).length).toBe(events);
    expect((await db.listPractices()).length).toBe(2);
  });

  it('two practices with different numbers on the same parcel stay separate; a letter goes to the larger, then the more recent', async () => {
    const old = await linked({ practice: ['LE', 5, 1965], foglio: 12, mappale: 345 });
    const recent = await linked({ practice: ['PDC', 7, 2012], foglio: 12, mappale: 345 });
    expect(recent.practiceId).not.toBe(old.practiceId);
    const tie = await linked({ foglio: 12, mappale: 345 });
    expect(tie.practiceId).toBe(recent.practiceId);
    await linked({ practice: ['LE', 5, 1965] });
    await linked({ practice: ['LE', 5, 1965] });
    const larger = await linked({ foglio: 12, mappale: 345 });
    expect(larger.practiceId).toBe(old.practiceId);
    expect((await db.listPractices()).map((p) => [p.key, p.documents])).toEqual([
      ['LE 5/1965', 4],
      ['PDC 7/2012', 2],
    ]);
  });

  it('a letter classified before the documents carrying the number still ends in the numbered practice', async () => {
    const lettera = await linked({ foglio: 12, mappale: 345 });
    const vicina = await linked({ street: 'Via Roma', civic: '12' });
    const domanda = await linked({
      practice: ['PE', 123, 1987],
      foglio: 12,
      mappale: 345,
      street: 'Via Roma',
      civic: '12',
    });
    expect(domanda.absorbed).toBe(2);
    expect(await db.practiceMember(lettera.id)).toMatchObject({
      practiceId: domanda.practiceId,
      confidence: 0.75,
      reason: 'stessa particella F. 12 m. 345',
    });
    expect(await db.practiceMember(vicina.id)).toMatchObject({
      practiceId: domanda.practiceId,
      confidence: 0.6,
      reason: 'stesso indirizzo Via Roma 12',
    });
    expect(await db.listPractices()).toEqual([expect.objectContaining({ key: 'PE 123/1987', documents: 3 })]);
    expect((await linkEvents(lettera.id)).at(-1)!.detail).toMatchObject({
      practiceId: domanda.practiceId,
      from: lettera.practiceId,
    });
    // As if the letters had come after: relinking them changes nothing.
    expect(await linkDocumentToPractice(db, lettera.id, meta({ foglio: 12, mappale: 345 }))).toMatchObject({
      outcome: 'unchanged',
      practiceId: domanda.practiceId,
    });
    expect(await linkDocumentToPractice(db, vicina.id, meta({ street: 'Via Roma', civic: '12' }))).toMatchObject({
      outcome: 'unchanged',
    });
  });

  it('a reclassified document that lost its keys leaves its practice, and an emptied practice is deleted', async () => {
    const d = await linked({ foglio: 5, mappale: 50 });
    expect(await linkDocumentToPractice(db, d.id, meta({}))).toEqual({ outcome: 'unlinked' });
    expect(await db.practiceMember(d.id)).toBeNull();
    expect(await db.getPractice(d.practiceId!)).toBeNull();
  });

  it('two workers linking documents of the same new practice at once meet in one practice', async () => {
    const other = new SqliteMetadataStore(dbFile);
    try {
      const ids = [await newDocument(), await newDocument(), await newDocument(), await newDocument()];
      const results = await Promise.all(
        ids.map((id, i) =>
          linkDocumentToPractice(i % 2 ? other : db, id, meta({ practice: ['PE', 77, 1992], foglio: 1, mappale: 2 })),
        ),
      );
      expect(new Set(results.map((r) => r.practiceId)).size).toBe(1);
      expect(await db.listPractices()).toEqual([expect.objectContaining({ key: 'PE 77/1992', documents: 4 })]);
    } finally {
      await other.close();
    }
  });

  it('two workers creating a practice for the same parcel at once converge on one', async () => {
    const other = new SqliteMetadataStore(dbFile);
    try {
      const [a, b] = [await newDocument(), await newDocument()];
      await Promise.all([
        linkDocumentToPractice(db, a, meta({ foglio: 8, mappale: 80 })),
        linkDocumentToPractice(other, b, meta({ foglio: 8, mappale: 80 })),
      ]);
      expect(await db.listPractices()).toEqual([
        expect.objectContaining({ label: 'Foglio 8 mappale 80', documents: 2 }),
      ]);
    } finally {
      await other.close();
    }
  });
});

describe('the archivist corrects practices', () => {
  it('a locked link is not moved by relinking', async () => {
    const a = await linked({ practice: ['PE', 1, 1990] });
    const b = await linked({ practice: ['PE', 2, 1991] });
    await service.move(b.id, a.practiceId!, 'mrossi', 'stessa pratica, numero sbagliato');
    expect(await db.practiceMember(b.id)).toMatchObject({
      practiceId: a.practiceId,
      confidence: 1,
      linkedBy: 'mrossi',
      locked: true,
      practiceKey: 'PE 2/1991',
    });
    expect(await db.getPractice(b.practiceId!)).toBeNull(); // emptied by the move
    const again = await linkDocumentToPractice(db, b.id, meta({ practice: ['PE', 2, 1991] }));
    expect(again).toMatchObject({ outcome: 'locked', practiceId: a.practiceId });
    expect(await db.practiceMember(b.id)).toMatchObject({ practiceId: a.practiceId, locked: true });
    const events = (await db.listEvents({ documentId: b.id })).map((e) => [e.type, e.actor]);
    expect(events).toEqual([
      ['practice.linked', 'system'],
      ['practice.moved', 'mrossi'],
    ]);
  });

  it('merge then split gives back the two practices, with locked links and an event per document', async () => {
    const p1 = [await linked({ practice: ['PE', 1, 1990] }), await linked({ practice: ['PE', 1, 1990] })];
    const p2 = [await linked({ practice: ['PE', 2, 1991] }), await linked({ practice: ['PE', 2, 1991] })];
    const into = p1[0]!.practiceId!;
    const merged = await service.merge(into, [p2[0]!.practiceId!], 'mrossi', 'unica pratica');
    expect(merged.moved).toBe(2);
    expect(merged.practice.members.map((m) => m.documentId).sort()).toEqual([...p1, ...p2].map((d) => d.id).sort());
    expect(merged.practice.members[0]!.document).toMatchObject({ filename: expect.stringMatching(/^doc-\d+\.tif$/) });
    expect(await db.getPractice(p2[0]!.practiceId!)).toBeNull();
    for (const d of p2) {
      expect(await db.practiceMember(d.id)).toMatchObject({
        practiceId: into,
        locked: true,
        confidence: 1,
        linkedBy: 'mrossi',
      });
      expect((await db.listEvents({ documentId: d.id })).at(-1)).toMatchObject({
        type: 'practice.merged',
        actor: 'mrossi',
        detail: { practiceId: into, fromKey: 'PE 2/1991', note: 'unica pratica' },
      });
    }
    // A document of the merged number arriving later joins the merged practice instead of recreating PE 2/1991.
    const late = await linked({ practice: ['PE', 2, 1991] });
    expect(late.practiceId).toBe(into);

    const split = await service.split(into, [...p2.map((d) => d.id), late.id], 'lbianchi', 'erano due pratiche', {
      key: 'pe 2/91',
    });
    expect(split.moved).toBe(3);
    expect(split.practice.practice).toMatchObject({ key: 'PE 2/1991', label: 'PE 2/1991', documents: 3 });
    expect(split.from.practice).toMatchObject({ id: into, documents: 2 });
    for (const d of [...p2, late]) {
      expect(await db.practiceMember(d.id)).toMatchObject({
        practiceId: split.practice.practice.id,
        locked: true,
        confidence: 1,
        linkedBy: 'lbianchi',
      });
      expect((await db.listEvents({ documentId: d.id })).at(-1)).toMatchObject({
        type: 'practice.split',
        actor: 'lbianchi',
      });
      expect(await linkDocumentToPractice(db, d.id, meta({ practice: ['PE', 1, 1990] }))).toMatchObject({
        outcome: 'locked',
      });
    }
  });

  it('refuses merges and splits that make no sense, in Italian and with the right status', async () => {
    const a = await linked({ practice: ['PE', 1, 1990] });
    const b = await linked({ practice: ['PE', 2, 1991] });
    await expect(service.merge(a.practiceId!, [a.practiceId!], 'mrossi')).rejects.toMatchObject({
      statusCode: 400,
      message: 'Non si può unire un fascicolo con se stesso',
    });
    await expect(service.merge(a.practiceId!, ['nessuno'], 'mrossi')).rejects.toMatchObject({ statusCode: 404 });
    await expect(service.split(a.practiceId!, [a.id], 'mrossi')).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringContaining('almeno un documento'),
    });
    await expect(service.split(a.practiceId!, [b.id], 'mrossi')).rejects.toMatchObject({ statusCode: 400 });
    await expect(service.rename(a.practiceId!, { key: 'PE 2/1991' }, 'mrossi')).rejects.toMatchObject({
      statusCode: 409,
    });
    await expect(service.rename(a.practiceId!, { key: 'non una pratica' }, 'mrossi')).rejects.toMatchObject({
      statusCode: 400,
    });
    await expect(service.get('nessuno')).rejects.toMatchObject({ statusCode: 404, message: 'Fascicolo non trovato' });
  });

  it('renaming the number carries a label built from it', async () => {
    const a = await linked({ practice: ['PE', 1, 1990], street: 'Via Roma', civic: '1' });
    expect(await service.rename(a.practiceId!, { key: 'P.E. 10/90' }, 'mrossi')).toMatchObject({
      key: 'PE 10/1990',
      label: 'PE 10/1990 — Via Roma 1',
    });
    expect(await service.rename(a.practiceId!, { label: 'Casa Rossi' }, 'mrossi')).toMatchObject({
      key: 'PE 10/1990',
      label: 'Casa Rossi',
    });
    expect((await service.list('pe 10/90')).practices.map((p) => p.id)).toEqual([a.practiceId]);
  });
});

describe('practices of a union of Comuni', () => {
  /** A new document of a batch loaded for `comune`. */
  async function documentOf(comune: string): Promise<string> {
    const batch = await db.createBatch({ label: comune, source: 'test', comune });
    const id = (++seq).toString(16).padStart(64, '0');
    await db.createDocument({
      id,
      sha256: id,
      batchId: batch.id,
      filename: `doc-${seq}.tif`,
      mediaType: 'image/tiff',
      size: 10,
    });
    return id;
  }
  const linkedIn = async (comune: string, m: Parameters<typeof meta>[0]) => {
    const id = await documentOf(comune);
    return { id, ...(await linkDocumentToPractice(db, id, meta(m))) };
  };

  it('the same practice number in two Comuni makes two practices, each in its Comune', async () => {
    const lugo = await linkedIn('E730', { practice: ['PE', 123, 1987] });
    const bagna = await linkedIn('A547', { practice: ['PE', 123, 1987] });
    const lugo2 = await linkedIn('E730', { practice: ['PE', 123, 1987] });
    expect(bagna.practiceId).not.toBe(lugo.practiceId);
    expect(lugo2.practiceId).toBe(lugo.practiceId);
    expect(await db.getPractice(lugo.practiceId!)).toMatchObject({ comune: 'E730', key: 'PE 123/1987' });
    expect(await db.getPractice(bagna.practiceId!)).toMatchObject({ comune: 'A547', key: 'PE 123/1987' });
    expect((await db.listPracticeMembers(lugo.practiceId!)).map((m) => m.documentId)).toEqual([lugo.id, lugo2.id]);
  });

  it('a parcel or an address joins only practices of the same Comune, and absorbs only its place groups', async () => {
    const lugoParcel = await linkedIn('E730', { foglio: 12, mappale: 345 });
    const bagnaParcel = await linkedIn('A547', { foglio: 12, mappale: 345 });
    expect(bagnaParcel.practiceId).not.toBe(lugoParcel.practiceId);
    expect(await db.getPractice(bagnaParcel.practiceId!)).toMatchObject({ comune: 'A547', key: undefined });
    const bagnaStreet = await linkedIn('A547', { street: 'Via Roma', civic: '1' });
    const lugoStreet = await linkedIn('E730', { street: 'Via Roma', civic: '1' });
    expect(lugoStreet.practiceId).not.toBe(bagnaStreet.practiceId);

    // A numbered document of Lugo on that parcel absorbs Lugo's place group, never Bagnacavallo's.
    const numbered = await linkedIn('E730', { practice: ['PE', 5, 2001], foglio: 12, mappale: 345 });
    expect(numbered.absorbed).toBe(1);
    expect(await db.practiceMember(lugoParcel.id)).toMatchObject({ practiceId: numbered.practiceId });
    expect(await db.practiceMember(bagnaParcel.id)).toMatchObject({ practiceId: bagnaParcel.practiceId });
  });

  it('the archivist cannot merge practices of two Comuni nor move a document into another Comune', async () => {
    const lugo = await linkedIn('E730', { practice: ['PE', 1, 1990] });
    const lugo2 = await linkedIn('E730', { practice: ['PE', 2, 1990] });
    const bagna = await linkedIn('A547', { practice: ['PE', 3, 1990] });
    await expect(
      service.merge(lugo.practiceId!, [lugo2.practiceId!, bagna.practiceId!], 'mrossi'),
    ).rejects.toMatchObject({
      statusCode: 409,
      code: 'COMUNE_MISMATCH',
      message: expect.stringContaining('Comuni diversi'),
    });
    expect(await db.getPractice(lugo2.practiceId!)).not.toBeNull();
    expect(await db.practiceMember(lugo2.id)).toMatchObject({ practiceId: lugo2.practiceId, locked: false });
    await expect(service.move(bagna.id, lugo.practiceId!, 'mrossi')).rejects.toMatchObject({
      statusCode: 409,
      code: 'COMUNE_MISMATCH',
    });
    expect(await db.practiceMember(bagna.id)).toMatchObject({ practiceId: bagna.practiceId });
    expect((await service.merge(lugo.practiceId!, [lugo2.practiceId!], 'mrossi')).moved).toBe(1);
  });

  it('split and rename check a number only against practices of the same Comune', async () => {
    const lugo = [
      await linkedIn('E730', { practice: ['PE', 1, 1990] }),
      await linkedIn('E730', { practice: ['PE', 1, 1990] }),
    ];
    const bagna = await linkedIn('A547', { practice: ['PE', 9, 1999] });
    const split = await service.split(lugo[0]!.practiceId!, [lugo[1]!.id], 'mrossi', undefined, { key: 'PE 9/1999' });
    expect(split.practice.practice).toMatchObject({ comune: 'E730', key: 'PE 9/1999' });
    expect(split.practice.practice.id).not.toBe(bagna.practiceId);
    await expect(
      service.split(lugo[0]!.practiceId!, [lugo[0]!.id], 'mrossi', undefined, { key: 'PE 9/1999' }),
    ).rejects.toMatchObject({ statusCode: 400 }); // must leave a document behind
    const other = await linkedIn('A547', { practice: ['PE', 7, 1999] });
    expect(await service.rename(other.practiceId!, { key: 'PE 1/1990' }, 'mrossi')).toMatchObject({ key: 'PE 1/1990' });
    await expect(service.rename(bagna.practiceId!, { key: 'PE 1/1990' }, 'mrossi')).rejects.toMatchObject({
      statusCode: 409,
    });
    expect((await service.list(undefined, 50, 0, { comuni: ['A547'] })).practices.map((p) => p.id).sort()).toEqual(
      [bagna.practiceId, other.practiceId].sort(),
    );
    expect((await service.list('pe 1/90', 50, 0, { comuni: ['E730'] })).practices.map((p) => p.id)).toEqual([
      lugo[0]!.practiceId,
    ]);
  });
});
