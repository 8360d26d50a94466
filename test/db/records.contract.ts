// The records-management behaviour every MetadataStore adapter must have: protocol register and routing review queue
// here, practices in practices.contract.ts. Each adapter's contract test file calls recordsContract with its harness.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MetadataStore, RoutingAssignment, RoutingReview } from '../../src/db/metadata-store.ts';
import { ISO, expectNoNulls, sha, sleep, type ContractStore } from './metadata.contract.ts';
import { practicesContract } from './practices.contract.ts';

const route = (titolarioClass: string, office: string, extra: Partial<RoutingAssignment> = {}): RoutingAssignment => ({
  titolarioClass,
  office,
  assignee: undefined,
  practiceId: undefined,
  ...extra,
});

const suggestion = (documentId: string, extra: Partial<Parameters<MetadataStore['putRoutingSuggestion']>[0]> = {}) => ({
  documentId,
  state: 'pending' as const,
  suggested: route('6.3', 'Urbanistica'),
  confidence: 0.4,
  threshold: 0.8,
  decidedBy: 'rules',
  reasons: ['parola chiave "permesso di costruire"'],
  ...extra,
});

/** The order listRoutingReviews promises: least sure first, then oldest, then by document id. */
const byQueueOrder = (a: RoutingReview, b: RoutingReview) =>
  a.confidence - b.confidence ||
  a.createdAt.localeCompare(b.createdAt) ||
  (a.documentId < b.documentId ? -1 : a.documentId > b.documentId ? 1 : 0);

export function recordsContract(name: string, make: () => Promise<ContractStore>): void {
  describe(`MetadataStore contract, records management: ${name}`, () => {
    let h: ContractStore;
    let db: MetadataStore;
    beforeEach(async () => {
      h = await make();
      db = h.store;
    });
    afterEach(async () => {
      await h?.cleanup();
    });

    describe('protocol register', () => {
      it('registers an entry once and reads it back, optional date undefined', async () => {
        const { created, entry } = await db.registerProtocol({
          documentId: sha('a'),
          number: 1234,
          year: 2026,
          source: 'ocr',
          registeredBy: 'system',
        });
        expect(created).toBe(true);
        expect(entry).toStrictEqual({
          documentId: sha('a'),
          comune: 'C000', // a document the store does not hold: the default Comune
          number: 1234,
          year: 2026,
          date: undefined,
          source: 'ocr',
          registeredAt: entry.registeredAt,
          registeredBy: 'system',
        });
        expect(entry.registeredAt).toMatch(ISO);
        expect(Math.abs(Date.parse(entry.registeredAt) - Date.now())).toBeLessThan(60_000);
        expectNoNulls(entry);
        expect(await db.getProtocol(sha('a'))).toStrictEqual(entry);
        expect(await db.getProtocol(sha('f'))).toBeNull();
      });

      it('takes a given date and registration time, normalised to ISO UTC', async () => {
        const { entry } = await db.registerProtocol({
          documentId: sha('a'),
          number: 7,
          year: 1998,
          date: '1998-03-04',
          source: 'manual',
          registeredBy: 'mrossi',
          registeredAt: '1998-03-04T10:00:00+01:00',
        });
        expect(entry).toMatchObject({
          date: '1998-03-04',
          registeredAt: '1998-03-04T09:00:00.000Z',
          registeredBy: 'mrossi',
        });
        expect(await db.getProtocol(sha('a'))).toStrictEqual(entry);
      });

      it('registering again with a different number keeps the first entry unchanged', async () => {
        const first = await db.registerProtocol({
          documentId: sha('a'),
          number: 10,
          year: 2026,
          date: '2026-01-02',
          source: 'ocr',
          registeredBy: 'system',
        });
        await sleep(3);
        const again = await db.registerProtocol({
          documentId: sha('a'),
          number: 99,
          year: 2025,
          source: 'manual',
          registeredBy: 'mrossi',
        });
        expect(again.created).toBe(false);
        expect(again.entry).toStrictEqual(first.entry);
        expect(await db.getProtocol(sha('a'))).toStrictEqual(first.entry);
      });

      it('registers exactly one entry from 10 concurrent registrations of the same document', async () => {
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            db.registerProtocol({
              documentId: sha('c'),
              number: 100 + i,
              year: 2026,
              source: 'ocr',
              registeredBy: `w${i}`,
            }),
          ),
        );
        expect(results.filter((r) => r.created)).toHaveLength(1);
        const winner = results.find((r) => r.created)!.entry;
        for (const r of results) expect(r.entry).toStrictEqual(winner);
        expect(await db.getProtocol(sha('c'))).toStrictEqual(winner);
      });

      it('refuses an entry it could never correct: bad number, year, date or source', async () => {
        const base = { documentId: sha('a'), number: 1, year: 2026, source: 'ocr' as const, registeredBy: 'system' };
        await expect(db.registerProtocol({ ...base, number: 0 })).rejects.toThrow(/number/);
        await expect(db.registerProtocol({ ...base, number: 1.5 })).rejects.toThrow(/number/);
        await expect(db.registerProtocol({ ...base, year: 26 })).rejects.toThrow(/year/);
        await expect(db.registerProtocol({ ...base, date: '2026-02-30' })).rejects.toThrow(/date/);
        await expect(db.registerProtocol({ ...base, date: '04/03/2026' })).rejects.toThrow(/date/);
        await expect(db.registerProtocol({ ...base, source: 'fax' as 'ocr' })).rejects.toThrow(/source/);
        await expect(db.registerProtocol({ ...base, registeredAt: 'ieri' })).rejects.toThrow();
        expect(await db.getProtocol(sha('a'))).toBeNull();
      });
    });

    describe('routing reviews', () => {
      it('creates a review whose current assignment is the suggestion, optional fields undefined', async () => {
        const s = suggestion(sha('a'), {
          suggested: route('6.3', 'Urbanistica', { assignee: 'mrossi', practiceId: 'PE 123/1987' }),
        });
        const review = await db.putRoutingSuggestion(s);
        expect(review).toStrictEqual({
          documentId: sha('a'),
          state: 'pending',
          suggested: s.suggested,
          confidence: 0.4,
          threshold: 0.8,
          decidedBy: 'rules',
          reasons: ['parola chiave "permesso di costruire"'],
          current: s.suggested,
          reviewer: undefined,
          reviewedAt: undefined,
          reviewNote: undefined,
          createdAt: review.createdAt,
          updatedAt: review.createdAt,
        });
        expect(review.createdAt).toMatch(ISO);
        expectNoNulls(review);
        expect(await db.getRoutingReview(sha('a'))).toStrictEqual(review);
        expect(await db.getRoutingReview(sha('f'))).toBeNull();
        // An assignment without assignee or practice comes back with exactly the port's keys.
        const plain = await db.putRoutingSuggestion(
          suggestion(sha('b'), { suggested: { titolarioClass: '1.1', office: 'Segreteria' } }),
        );
        expect(plain.current).toStrictEqual(route('1.1', 'Segreteria'));
      });

      it('replaces the suggestion, state and current assignment of a review still pending or auto', async () => {
        const first = await db.putRoutingSuggestion(suggestion(sha('a')));
        await sleep(5);
        const auto = await db.putRoutingSuggestion(
          suggestion(sha('a'), {
            state: 'auto',
            suggested: route('4.1', 'Ragioneria'),
            confidence: 0.95,
            decidedBy: 'model:v2',
            reasons: ['modello'],
          }),
        );
        expect(auto).toStrictEqual({
          ...first,
          state: 'auto',
          suggested: route('4.1', 'Ragioneria'),
          current: route('4.1', 'Ragioneria'),
          confidence: 0.95,
          decidedBy: 'model:v2',
          reasons: ['modello'],
          updatedAt: auto.updatedAt,
        });
        expect(Date.parse(auto.updatedAt)).toBeGreaterThan(Date.parse(first.updatedAt));
        const back = await db.putRoutingSuggestion(suggestion(sha('a'), { confidence: 0.3 }));
        expect(back).toMatchObject({
          state: 'pending',
          current: route('6.3', 'Urbanistica'),
          confidence: 0.3,
          createdAt: first.createdAt,
        });
      });

      it("a person's decision survives a later suggestion, which refreshes only the suggestion fields", async () => {
        await db.putRoutingSuggestion(suggestion(sha('a')));
        const decided = await db.decideRoutingReview({
          documentId: sha('a'),
          state: 'corrected',
          current: route('6.4', 'Edilizia privata', { assignee: 'lbianchi' }),
          reviewer: 'mrossi',
          note: 'è una SCIA, non un permesso',
        });
        await sleep(5);
        const after = await db.putRoutingSuggestion(
          suggestion(sha('a'), {
            state: 'auto',
            suggested: route('4.1', 'Ragioneria'),
            confidence: 0.99,
            threshold: 0.7,
            decidedBy: 'model:v3',
            reasons: ['r'],
          }),
        );
        expect(after).toStrictEqual({
          ...decided!,
          suggested: route('4.1', 'Ragioneria'),
          confidence: 0.99,
          threshold: 0.7,
          decidedBy: 'model:v3',
          reasons: ['r'],
          updatedAt: after.updatedAt,
        });
        expect(after).toMatchObject({
          state: 'corrected',
          current: route('6.4', 'Edilizia privata', { assignee: 'lbianchi' }),
          reviewer: 'mrossi',
        });
        expect(await db.getRoutingReview(sha('a'))).toStrictEqual(after);
      });

      it('records a decision, with a given time normalised to ISO UTC, and replaces an earlier note', async () => {
        const created = await db.putRoutingSuggestion(suggestion(sha('a')));
        await sleep(3);
        const accepted = await db.decideRoutingReview({
          documentId: sha('a'),
          state: 'accepted',
          current: created.suggested,
          reviewer: 'mrossi',
          note: 'ok',
        });
        expect(accepted).toStrictEqual({
          ...created,
          state: 'accepted',
          reviewer: 'mrossi',
          reviewNote: 'ok',
          reviewedAt: accepted!.reviewedAt,
          updatedAt: accepted!.updatedAt,
        });
        expect(accepted!.reviewedAt).toMatch(ISO);
        expect(Date.parse(accepted!.updatedAt)).toBeGreaterThan(Date.parse(created.updatedAt));
        expect(await db.getRoutingReview(sha('a'))).toStrictEqual(accepted);

        const corrected = await db.decideRoutingReview({
          documentId: sha('a'),
          state: 'corrected',
          current: route('1.1', 'Segreteria'),
          reviewer: 'lbianchi',
          at: '2026-03-01T10:00:00+01:00',
        });
        expect(corrected).toMatchObject({
          state: 'corrected',
          reviewer: 'lbianchi',
          reviewedAt: '2026-03-01T09:00:00.000Z',
          reviewNote: undefined,
        });
        expectNoNulls(corrected!);
        expect(
          await db.decideRoutingReview({
            documentId: sha('f'),
            state: 'accepted',
            current: route('1', 'x'),
            reviewer: 'r',
          }),
        ).toBeNull();
        expect(await db.getRoutingReview(sha('f'))).toBeNull();
      });

      it('with expectState, decides only a review in one of those states', async () => {
        const pending = await db.putRoutingSuggestion(suggestion(sha('a')));
        const decide = (expectState: RoutingReview['state'][]) =>
          db.decideRoutingReview({
            documentId: sha('a'),
            state: 'accepted',
            current: pending.suggested,
            reviewer: 'mrossi',
            expectState,
          });
        expect(await decide(['auto', 'accepted'])).toBeNull();
        expect(await decide([])).toBeNull();
        expect(await db.getRoutingReview(sha('a'))).toStrictEqual(pending);
        expect(await decide(['pending', 'auto'])).toMatchObject({ state: 'accepted', reviewer: 'mrossi' });
        expect(await decide(['pending'])).toBeNull();
      });

      it('of 10 reviewers deciding the same pending review at once, exactly one wins', async () => {
        await db.putRoutingSuggestion(suggestion(sha('a')));
        const results = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            db.decideRoutingReview({
              documentId: sha('a'),
              state: 'corrected',
              current: route('6.3', `Ufficio ${i}`),
              reviewer: `user${i}`,
              expectState: ['pending'],
            }),
          ),
        );
        const winners = results.filter((r) => r !== null);
        expect(winners).toHaveLength(1);
        expect(await db.getRoutingReview(sha('a'))).toStrictEqual(winners[0]);
        const i = results.findIndex((r) => r !== null);
        expect(winners[0]).toMatchObject({ reviewer: `user${i}`, current: route('6.3', `Ufficio ${i}`) });
      });

      it('lists least sure first, then oldest, then by document id, with paging', async () => {
        for (const [c, confidence] of [
          ['e', 0.5],
          ['a', 0.2],
          ['d', 0.5],
          ['b', 0.9],
        ] as const) {
          await db.putRoutingSuggestion(suggestion(sha(c), { confidence }));
          await sleep(3);
        }
        // Created in the same instant: only the document id can order them.
        await Promise.all(
          ['5', '3', '4', '1', '2'].map((c) => db.putRoutingSuggestion(suggestion(sha(c), { confidence: 0.7 }))),
        );
        const all = await db.listRoutingReviews();
        expect(all.slice(0, 3).map((r) => r.documentId)).toEqual([sha('a'), sha('e'), sha('d')]);
        expect(all.at(-1)!.documentId).toBe(sha('b'));
        expect([...all].sort(byQueueOrder)).toEqual(all);
        all.forEach(expectNoNulls);
        const paged: string[] = [];
        for (let off = 0; off < 9; off += 4)
          paged.push(...(await db.listRoutingReviews({ limit: 4, offset: off })).map((r) => r.documentId));
        expect(paged).toEqual(all.map((r) => r.documentId));
        expect(await db.listRoutingReviews({ offset: 9 })).toEqual([]);
      });

      it('filters and counts by state, office and class of the current assignment', async () => {
        await db.putRoutingSuggestion(suggestion(sha('a'), { confidence: 0.1 }));
        await db.putRoutingSuggestion(suggestion(sha('b'), { confidence: 0.2, suggested: route('4.1', 'Ragioneria') }));
        await db.putRoutingSuggestion(suggestion(sha('c'), { confidence: 0.95, state: 'auto' }));
        await db.putRoutingSuggestion(suggestion(sha('d'), { confidence: 0.3 }));
        // Suggested for Urbanistica, corrected to Ragioneria: the filters follow the correction.
        await db.decideRoutingReview({
          documentId: sha('d'),
          state: 'corrected',
          current: route('4.2', 'Ragioneria'),
          reviewer: 'mrossi',
        });
        const ids = async (f: Parameters<MetadataStore['listRoutingReviews']>[0]) =>
          (await db.listRoutingReviews(f)).map((r) => r.documentId.slice(0, 1));
        expect(await ids({ state: 'pending' })).toEqual(['a', 'b']);
        expect(await ids({ state: ['auto', 'corrected'] })).toEqual(['d', 'c']);
        expect(await ids({ state: [] })).toEqual([]);
        expect(await ids({ office: 'Ragioneria' })).toEqual(['b', 'd']);
        expect(await ids({ office: 'Urbanistica' })).toEqual(['a', 'c']);
        expect(await ids({ titolarioClass: '6.3' })).toEqual(['a', 'c']);
        expect(await ids({ titolarioClass: '4.2', office: 'Ragioneria' })).toEqual(['d']);
        expect(await ids({ state: 'pending', office: 'Ragioneria' })).toEqual(['b']);
        expect(await ids({ state: 'pending', limit: 1, offset: 1 })).toEqual(['b']);
        expect(await db.countRoutingReviews()).toBe(4);
        expect(await db.countRoutingReviews({ state: 'pending' })).toBe(2);
        expect(await db.countRoutingReviews({ state: ['pending', 'auto'], office: 'Urbanistica' })).toBe(2);
        expect(await db.countRoutingReviews({ state: [] })).toBe(0);
        expect(await db.countRoutingReviews({ office: 'Protocollo' })).toBe(0);
      });

      it('filters and counts reviews updated at or after a time', async () => {
        await db.putRoutingSuggestion(suggestion(sha('a'), { confidence: 0.1 }));
        await db.putRoutingSuggestion(suggestion(sha('b'), { confidence: 0.2 }));
        await sleep(5);
        const decided = await db.decideRoutingReview({
          documentId: sha('b'),
          state: 'accepted',
          current: route('6.3', 'Urbanistica'),
          reviewer: 'mrossi',
        });
        await sleep(5);
        await db.putRoutingSuggestion(suggestion(sha('c'), { confidence: 0.3 }));
        const since = decided!.updatedAt;
        expect((await db.listRoutingReviews({ since })).map((r) => r.documentId)).toEqual([sha('b'), sha('c')]);
        expect(await db.countRoutingReviews({ since })).toBe(2);
        expect(await db.countRoutingReviews({ since, state: ['accepted', 'corrected'] })).toBe(1);
        // Any ISO form of the same instant.
        const local = new Date(Date.parse(since) + 3_600_000).toISOString().replace('Z', '+01:00');
        expect(await db.countRoutingReviews({ since: local })).toBe(2);
        expect(await db.countRoutingReviews({ since: '2999-01-01T00:00:00Z' })).toBe(0);
        await expect(db.listRoutingReviews({ since: 'la settimana scorsa' })).rejects.toThrow();
      });
    });

    describe('lifecycle', () => {
      it('keeps protocol entries, reviews, practices and members across close and reopen', async () => {
        const { entry } = await db.registerProtocol({
          documentId: sha('a'),
          number: 5,
          year: 2026,
          date: '2026-02-03',
          source: 'ocr',
          registeredBy: 'system',
        });
        await db.putRoutingSuggestion(suggestion(sha('a')));
        const review = await db.decideRoutingReview({
          documentId: sha('a'),
          state: 'accepted',
          current: route('6.3', 'Urbanistica'),
          reviewer: 'mrossi',
        });
        const { practice } = await db.createPractice({ key: 'PE 123/1987', label: 'PE 123/1987 — Via Roma 12' });
        await db.linkDocument({
          practiceId: practice.id,
          documentId: sha('a'),
          confidence: 1,
          reason: 'r',
          linkedBy: 'mrossi',
          locked: true,
          parcelKey: '12/345',
        });
        const member = await db.practiceMember(sha('a'));
        await db.close();

        const again = await h.reopen();
        expect(await again.getProtocol(sha('a'))).toStrictEqual(entry);
        expect((await again.registerProtocol({ ...entry, number: 6 })).created).toBe(false);
        expect(await again.getRoutingReview(sha('a'))).toStrictEqual(review);
        expect(await again.getPracticeByKey('PE 123/1987')).toStrictEqual(practice);
        expect(await again.practiceMember(sha('a'))).toStrictEqual(member);
        expect(await again.findPracticesByKeys({ parcelKey: '12/345' })).toEqual([
          { practiceId: practice.id, matchedOn: 'parcelKey', documents: 1 },
        ]);
      });
    });

    practicesContract(() => db);
  });
}
