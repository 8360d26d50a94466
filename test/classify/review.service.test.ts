// The records manager's review of routing suggestions against a real SQLite store: the queue, accept, correct, bulk
// accept, the audit trail, and the protocol register that no decision touches.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { SqliteMetadataStore } from '../../src/db/sqlite.metadata.ts';
import { loadReferenceData, type ReferenceData } from '../../src/classify/reference-data.ts';
import { classifyDocument } from '../../src/classify/rules.classifier.ts';
import { decideRouting } from '../../src/classify/routing.ts';
import { toDocumentMetadata } from '../../src/classify/classify.job.ts';
import type { DocumentMetadata } from '../../src/classify/document-metadata.ts';
import { ProtocolImmutableError, registerFromMetadata } from '../../src/classify/protocol-register.ts';
import { recordSuggestion, ReviewService, type RoutingChange } from '../../src/classify/review.service.ts';
import { ReviewConflictError, ReviewNotFoundError, ReviewValidationError } from '../../src/classify/review.errors.ts';
import { withReviewedRouting } from '../../src/classify/reviewed-classification.ts';
import { loadFixtures } from '../helpers/fixtures.ts';
import { makeTmpDir } from '../helpers/tmp-dir.ts';

const ref = loadReferenceData();
const letters = loadFixtures().filter((f) => f.kind === 'protocol');

let tmp: Awaited<ReturnType<typeof makeTmpDir>>;
let db: SqliteMetadataStore;
let service: ReviewService;
let batchId: string;

beforeEach(async () => {
  tmp = await makeTmpDir();
  db = new SqliteMetadataStore(path.join(tmp.dir, 'meta.db'));
  service = new ReviewService({ db, reference: ref });
  batchId = (await db.createBatch({ label: 'lotto', source: 'test' })).id;
});
afterEach(async () => {
  await db.close();
  await tmp.cleanup();
});

const sha = (c: string) => c.repeat(64);

/** Metadata as the classify step writes it, with the routing confidence a test needs. */
function metadata(
  over: Partial<DocumentMetadata> & { confidence?: number; threshold?: number } = {},
): DocumentMetadata {
  const { confidence = 0.5, threshold = 0.9, ...rest } = over;
  return {
    documentType: 'lettera',
    documentTypeLabel: 'Lettera',
    confidence: 0.8,
    dates: [],
    titolarioClass: 'VI.3',
    titolarioLabel: ref.lookupClass('VI.3')!.label,
    office: 'edilizia-privata',
    officeName: ref.lookupOffice('edilizia-privata')!.name,
    personalData: false,
    reasons: ['keyword "permesso di costruire"'],
    classifier: 'rules@test',
    routing: {
      mode: confidence >= threshold ? 'auto' : 'review',
      confidence,
      threshold,
      decidedBy: 'rules',
      reasons: [`confidence ${confidence}`],
    },
    ...rest,
  };
}

/** A classified document as the classify step leaves it: classification JSON, protocol register, suggestion. */
async function classified(id: string, m: DocumentMetadata, title = `Lettera ${id.slice(0, 4)}`) {
  await db.createDocument({
    id,
    sha256: id,
    batchId,
    filename: `${id.slice(0, 4)}.tif`,
    mediaType: 'image/tiff',
    size: 1,
  });
  await db.updateDocument(id, { classification: m, title });
  await registerFromMetadata(db, id, m);
  return recordSuggestion(db, id, m, ref);
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('routing suggestions from the classify step', () => {
  it('records a suggestion above the threshold as automatic and one below it as pending', async () => {
    const letter = letters[0]!;
    const text = letter.pages.map((p) => p.text).join('\n');
    const rules = classifyDocument([text], ref);
    const sure = toDocumentMetadata(rules, decideRouting(rules, {}, text, ref, 0));
    const unsure = toDocumentMetadata(rules, decideRouting(rules, {}, text, ref, 1));
    const auto = await classified(sha('a'), sure);
    const pending = await classified(sha('b'), unsure);
    expect(auto).toMatchObject({
      state: 'auto',
      suggested: { titolarioClass: letter.titolarioClass, office: letter.office },
    });
    expect(pending).toMatchObject({ state: 'pending', threshold: 1, decidedBy: 'rules' });
    expect(pending!.confidence).toBeLessThan(1);
    expect(pending!.reasons.length).toBeGreaterThan(0);
    expect(auto!.suggested.assignee).toBeUndefined();
  });

  it('sends a document classified without routing to the queue with confidence 0', async () => {
    const r = await classified(sha('c'), metadata({ routing: undefined }));
    expect(r).toMatchObject({ state: 'pending', confidence: 0, decidedBy: 'rules@test' });
  });

  it("suggests the office's responsabile as assignee when the office names one", async () => {
    const withHead: Pick<ReferenceData, 'lookupOffice'> = {
      lookupOffice: (id) => {
        const o = ref.lookupOffice(id);
        return o && ({ ...o, responsabile: 'mrossi' } as typeof o);
      },
    };
    await db.createDocument({
      id: sha('d'),
      sha256: sha('d'),
      batchId,
      filename: 'd.tif',
      mediaType: 'image/tiff',
      size: 1,
    });
    const r = await recordSuggestion(db, sha('d'), metadata(), withHead);
    expect(r?.suggested).toEqual({ titolarioClass: 'VI.3', office: 'edilizia-privata', assignee: 'mrossi' });
  });
});

describe('review queue and decisions', () => {
  it('lists pending suggestions least confident first, with their reasons and document title', async () => {
    await classified(sha('a'), metadata({ confidence: 0.7 }));
    await classified(sha('b'), metadata({ confidence: 0.2 }));
    await classified(sha('c'), metadata({ confidence: 0.95 }));
    await classified(sha('d'), metadata({ confidence: 0.4, titolarioClass: 'IV.3', office: 'tributi' }));
    const { items, total } = await service.list({ state: 'pending' });
    expect(total).toBe(3);
    expect(items.map((i) => [i.documentId, i.confidence])).toEqual([
      [sha('b'), 0.2],
      [sha('d'), 0.4],
      [sha('a'), 0.7],
    ]);
    expect(items[0]).toMatchObject({ reasons: ['confidence 0.2'], title: 'Lettera bbbb', filename: 'bbbb.tif' });
    expect((await service.list({ state: 'pending', office: 'tributi' })).items.map((i) => i.documentId)).toEqual([
      sha('d'),
    ]);
    expect((await service.list({ state: 'pending', titolarioClass: 'vi/3', limit: 1 })).total).toBe(2);
    expect((await service.list({ state: 'auto' })).items.map((i) => i.documentId)).toEqual([sha('c')]);
  });

  it('accepts a suggestion: the decision, the classification and the audit name the reviewer', async () => {
    await classified(sha('a'), metadata({ confidence: 0.5 }));
    const { review } = await service.accept(sha('a'), 'mrossi', 'ok');
    expect(review).toMatchObject({
      state: 'accepted',
      reviewer: 'mrossi',
      reviewNote: 'ok',
      current: { office: 'edilizia-privata' },
    });
    const doc = await db.getDocument(sha('a'));
    expect(doc?.classification).toMatchObject({
      titolarioClass: 'VI.3',
      office: 'edilizia-privata',
      documentType: 'lettera',
      routing: {
        mode: 'review',
        confidence: 0.5,
        reviewed: { state: 'accepted', reviewer: 'mrossi', at: review.reviewedAt },
      },
    });
    const [event] = await service.history(sha('a')).then((h) => h.filter((e) => e.type.startsWith('routing.')));
    expect(event).toMatchObject({
      type: 'routing.accepted',
      actor: 'mrossi',
      batchId,
      detail: {
        note: 'ok',
        confidence: 0.5,
        decidedBy: 'rules',
        previousState: 'pending',
        to: { office: 'edilizia-privata' },
      },
    });
    // Accepting is for suggestions nobody decided yet.
    expect(await rejection(service.accept(sha('a'), 'lbianchi'))).toBeInstanceOf(ReviewConflictError);
  });

  it('corrects class and office and records who, when and why', async () => {
    await classified(sha('a'), metadata({ confidence: 0.3 }));
    const before = Date.now();
    const { review, warnings } = await service.correct(
      sha('a'),
      { titolarioClass: 'iv/3', office: 'tributi', assignee: 'gverdi' },
      'mrossi',
      'È un avviso IMU, non una pratica edilizia',
    );
    expect(warnings).toEqual([]);
    expect(review).toMatchObject({
      state: 'corrected',
      current: { titolarioClass: 'IV.3', office: 'tributi', assignee: 'gverdi' },
      suggested: { titolarioClass: 'VI.3', office: 'edilizia-privata' },
      reviewer: 'mrossi',
    });
    expect(Date.parse(review.reviewedAt!)).toBeGreaterThanOrEqual(before - 1000);
    expect((await db.getDocument(sha('a')))?.classification).toMatchObject({
      titolarioClass: 'IV.3',
      titolarioLabel: ref.lookupClass('IV.3')!.label,
      office: 'tributi',
      officeName: ref.lookupOffice('tributi')!.name,
      routing: { reviewed: { state: 'corrected', reviewer: 'mrossi' } },
    });
    const event = (await db.listEvents({ documentId: sha('a') })).find((e) => e.type === 'routing.corrected');
    expect(event).toMatchObject({
      actor: 'mrossi',
      detail: {
        from: { titolarioClass: 'VI.3', office: 'edilizia-privata' },
        to: { titolarioClass: 'IV.3', office: 'tributi', assignee: 'gverdi' },
        note: 'È un avviso IMU, non una pratica edilizia',
      },
    });
    expect(Date.parse(event!.at)).toBeGreaterThanOrEqual(before - 1000);
    // Assignments change later: a decided review can be corrected again.
    const again = await service.correct(
      sha('a'),
      { assignee: null, practiceId: 'PE 12/2020' },
      'lbianchi',
      'riassegnata',
    );
    expect(again.review.current).toEqual({ titolarioClass: 'IV.3', office: 'tributi', practiceId: 'PE 12/2020' });
  });

  it('refuses a correction without a reason, or naming an unknown class or office, in Italian', async () => {
    await classified(sha('a'), metadata());
    const noNote = await rejection(service.correct(sha('a'), { office: 'tributi' }, 'mrossi', '  '));
    expect(noNote).toBeInstanceOf(ReviewValidationError);
    expect(noNote).toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(/obbligatorio indicare il motivo/),
    });
    const unknownClass = await rejection(service.correct(sha('a'), { titolarioClass: 'XXIX.9' }, 'mrossi', 'x'));
    expect(unknownClass).toMatchObject({ statusCode: 400, message: 'Classe del titolario sconosciuta: "XXIX.9"' });
    const unknownOffice = await rejection(service.correct(sha('a'), { office: 'catasto-marziano' }, 'mrossi', 'x'));
    expect(unknownOffice).toMatchObject({ statusCode: 400, message: 'Ufficio sconosciuto: "catasto-marziano"' });
    expect(await rejection(service.correct(sha('a'), {}, 'mrossi', 'x'))).toBeInstanceOf(ReviewValidationError);
    expect((await db.getRoutingReview(sha('a')))?.state).toBe('pending');
  });

  it('allows an office that does not handle the class, with a warning', async () => {
    await classified(sha('a'), metadata());
    const { review, warnings } = await service.correct(sha('a'), { office: 'tributi' }, 'mrossi', 'lo segue tributi');
    expect(review.current).toMatchObject({ titolarioClass: 'VI.3', office: 'tributi' });
    expect(warnings).toEqual([expect.stringMatching(/non tratta la classe VI\.3/)]);
    const event = (await db.listEvents({ documentId: sha('a') })).find((e) => e.type === 'routing.corrected');
    expect(event?.detail?.warnings).toEqual(warnings);
  });

  it('lets only one of two concurrent accepts decide', async () => {
    await classified(sha('a'), metadata());
    const results = await Promise.allSettled([
      service.accept(sha('a'), 'mrossi'),
      service.accept(sha('a'), 'lbianchi'),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toBeInstanceOf(ReviewConflictError);
    expect(lost.reason.statusCode).toBe(409);
    expect((await db.listEvents({ documentId: sha('a') })).filter((e) => e.type === 'routing.accepted')).toHaveLength(
      1,
    );
  });

  it('bulk-accepts what waits and reports the rest', async () => {
    await classified(sha('a'), metadata());
    await classified(sha('b'), metadata({ confidence: 0.99 }));
    await classified(sha('c'), metadata());
    await service.correct(sha('c'), { office: 'urbanistica', titolarioClass: 'VI.1' }, 'mrossi', 'piano regolatore');
    const results = await service.bulkAccept([sha('a'), sha('b'), sha('c'), sha('f'), sha('a')], 'lbianchi');
    expect(results).toEqual([
      { documentId: sha('a'), result: 'accepted' },
      { documentId: sha('b'), result: 'accepted' },
      { documentId: sha('c'), result: 'not-pending' },
      { documentId: sha('f'), result: 'not-found' },
    ]);
    expect((await db.getRoutingReview(sha('c')))?.current.office).toBe('urbanistica');
  });

  it('answers not found for an unknown document', async () => {
    expect(await rejection(service.get(sha('e')))).toBeInstanceOf(ReviewNotFoundError);
    expect(await rejection(service.accept(sha('e'), 'mrossi'))).toMatchObject({ statusCode: 404 });
  });
});

describe('protocol-register rules during review', () => {
  it('keeps the registered number after a correction and after a re-classification that read another one', async () => {
    const m = metadata({ protocol: { number: 4040, date: '2024-12-02' } });
    await classified(sha('a'), m);
    const registered = await db.getProtocol(sha('a'));
    expect(registered).toMatchObject({ number: 4040, year: 2024, date: '2024-12-02', source: 'ocr' });

    await service.correct(sha('a'), { titolarioClass: 'VI.7', office: 'lavori-pubblici' }, 'mrossi', 'strade');
    expect(await db.getProtocol(sha('a'))).toEqual(registered);

    // The classify step runs again (e.g. reprocessing) and reads 4048: register and decision stay, a mismatch is logged.
    const reread = metadata({ protocol: { number: 4048, date: '2024-12-02' }, confidence: 0.99 });
    await registerFromMetadata(db, sha('a'), reread);
    const review = await recordSuggestion(db, sha('a'), reread, ref);
    expect(review).toMatchObject({
      state: 'corrected',
      current: { titolarioClass: 'VI.7', office: 'lavori-pubblici' },
    });
    expect(withReviewedRouting(reread, review!, ref)).toMatchObject({
      titolarioClass: 'VI.7',
      office: 'lavori-pubblici',
    });
    expect(await db.getProtocol(sha('a'))).toEqual(registered);

    const detail = await service.get(sha('a'));
    expect(detail.protocol).toEqual(registered);
    const history = (await service.history(sha('a'))).map((e) => e.type);
    expect(history).toEqual(['protocol.registered', 'routing.corrected', 'protocol.mismatch']);
  });

  it('refuses a correction that tries to set the protocol number or date', async () => {
    await classified(sha('a'), metadata({ protocol: { number: 4040, date: '2024-12-02' } }));
    const change = { office: 'tributi', protocolNumber: 1 } as RoutingChange;
    const err = await rejection(service.correct(sha('a'), change, 'mrossi', 'x'));
    expect(err).toBeInstanceOf(ProtocolImmutableError);
    expect(err).toMatchObject({ statusCode: 409 });
    expect((await db.getRoutingReview(sha('a')))?.state).toBe('pending');
  });
});
