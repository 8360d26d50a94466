// Tenancy (issue 11) in the MetadataStore contract: every batch, document, practice and protocol entry belongs to a
// Comune; lists filter by Comune and by what a TenantScope may see, in SQL. Each adapter's contract test file calls
// tenancyContract with its harness.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ComuneMismatchError, type DocumentRecord, type MetadataStore } from '../../src/db/metadata-store.ts';
import type { TenantScope } from '../../src/tenancy/tenant-scope.ts';
import { sha, sleep, type ContractStore } from './metadata.contract.ts';

const doc = (s: string, batchId: string, extra: { comune?: string; restricted?: boolean } = {}) => ({
  id: s,
  sha256: s,
  batchId,
  filename: `${s.slice(0, 4)}.pdf`,
  mediaType: 'application/pdf',
  size: 10,
  ...extra,
});

const member = (practiceId: string, documentId: string, keys: { practiceKey?: string; parcelKey?: string } = {}) => ({
  practiceId,
  documentId,
  confidence: 0.9,
  reason: 'r',
  linkedBy: 'system',
  locked: false,
  ...keys,
});

const STAFF_A: TenantScope = { full: ['A'] };
const STAFF_AB: TenantScope = { full: ['A', 'B'] };
const PROFESSIONAL: TenantScope = { full: [] };
const UNION: TenantScope = { full: '*' };

export function tenancyContract(name: string, make: () => Promise<ContractStore>): void {
  describe(`MetadataStore contract, tenancy: ${name}`, () => {
    let h: ContractStore;
    let db: MetadataStore;
    beforeEach(async () => {
      h = await make();
      db = h.store;
    });
    afterEach(async () => {
      await h?.cleanup();
    });

    /** Shared and restricted documents of Comuni A and B: a-shared, a-restricted, b-shared, b-restricted. */
    async function fourDocuments(): Promise<Record<'aShared' | 'aRestricted' | 'bShared' | 'bRestricted', string>> {
      const a = await db.createBatch({ label: 'A', source: 'test', comune: 'A' });
      const aMail = await db.createBatch({ label: 'A posta', source: 'test', comune: 'A', restricted: true });
      const b = await db.createBatch({ label: 'B', source: 'test', comune: 'B' });
      const bMail = await db.createBatch({ label: 'B posta', source: 'test', comune: 'B', restricted: true });
      const ids = { aShared: sha('1'), aRestricted: sha('2'), bShared: sha('3'), bRestricted: sha('4') };
      for (const [id, batch] of [
        [ids.aShared, a],
        [ids.aRestricted, aMail],
        [ids.bShared, b],
        [ids.bRestricted, bMail],
      ] as const) {
        await db.createDocument(doc(id, batch.id));
        await sleep(2); // distinct creation times: the list order is the order above
      }
      return ids;
    }

    describe('batches', () => {
      it('belong to the default Comune and are shared unless told otherwise', async () => {
        const plain = await db.createBatch({ label: 'x', source: 'test' });
        expect(plain).toMatchObject({ comune: 'C000', restricted: false });
        const mail = await db.createBatch({ label: 'posta', source: 'upload', comune: 'E730', restricted: true });
        expect(mail).toMatchObject({ comune: 'E730', restricted: true });
        expect(await db.getBatch(mail.id)).toStrictEqual(mail);
        expect(await db.getBatch(plain.id)).toStrictEqual(plain);
      });

      it('are listed and counted by Comune, newest first', async () => {
        for (const [label, comune] of [
          ['a1', 'A'],
          ['b1', 'B'],
          ['a2', 'A'],
          ['c1', 'C'],
        ] as const) {
          await db.createBatch({ label, source: 'test', comune });
          await sleep(3);
        }
        const labels = async (comuni?: string[]) => (await db.listBatches({ comuni })).map((b) => b.label);
        expect(await labels()).toEqual(['c1', 'a2', 'b1', 'a1']);
        expect(await labels(['A'])).toEqual(['a2', 'a1']);
        expect(await labels(['A', 'B'])).toEqual(['a2', 'b1', 'a1']);
        expect(await labels([])).toEqual([]);
        expect((await db.listBatches({ comuni: ['A', 'C'], limit: 1, offset: 1 })).map((b) => b.label)).toEqual(['a2']);
        expect(await db.countBatches()).toBe(4);
        expect(await db.countBatches({ comuni: ['A'] })).toBe(2);
        expect(await db.countBatches({ comuni: ['B', 'C', 'Z'] })).toBe(2);
        expect(await db.countBatches({ comuni: [] })).toBe(0);
      });
    });

    describe('documents', () => {
      it("take their batch's Comune and restriction unless given, and a duplicate keeps the first document's", async () => {
        const a = await db.createBatch({ label: 'A', source: 'test', comune: 'A', restricted: true });
        const b = await db.createBatch({ label: 'B', source: 'test', comune: 'B' });
        const inherited = await db.createDocument(doc(sha('a'), a.id));
        expect(inherited.document).toMatchObject({ comune: 'A', restricted: true });
        const given = await db.createDocument(doc(sha('b'), a.id, { comune: 'B', restricted: false }));
        expect(given.document).toMatchObject({ comune: 'B', restricted: false });
        const half = await db.createDocument(doc(sha('c'), b.id, { restricted: true }));
        expect(half.document).toMatchObject({ comune: 'B', restricted: true });
        expect(await db.getDocument(sha('a'))).toStrictEqual(inherited.document);

        const again = await db.createDocument(doc(sha('a'), b.id));
        expect(again.created).toBe(false);
        expect(again.document).toMatchObject({ batchId: a.id, comune: 'A', restricted: true });
        await expect(db.createDocument(doc(sha('d'), 'no-such-batch'))).rejects.toThrow();
        expect(await db.getDocument(sha('d'))).toBeNull();
      });

      it('are seen by scope: staff see their Comune restricted and every shared one, professionals only shared', async () => {
        const ids = await fourDocuments();
        const list = async (f: Parameters<MetadataStore['listDocuments']>[0]) =>
          (await db.listDocuments(f)).map((d: DocumentRecord) => d.id);
        const { aShared, aRestricted, bShared, bRestricted } = ids;
        expect(await list({})).toEqual([aShared, aRestricted, bShared, bRestricted]);
        expect(await list({ scope: UNION })).toEqual([aShared, aRestricted, bShared, bRestricted]);
        expect(await list({ scope: STAFF_A })).toEqual([aShared, aRestricted, bShared]);
        expect(await list({ scope: STAFF_AB })).toEqual([aShared, aRestricted, bShared, bRestricted]);
        expect(await list({ scope: PROFESSIONAL })).toEqual([aShared, bShared]);
        expect(await list({ scope: { full: ['Z'] } })).toEqual([aShared, bShared]);

        expect(await db.countDocuments()).toBe(4);
        expect(await db.countDocuments({ scope: STAFF_A })).toBe(3);
        expect(await db.countDocuments({ scope: PROFESSIONAL })).toBe(2);
        expect(await db.countDocuments({ scope: UNION })).toBe(4);

        // By id, a document the scope may not see is not there at all.
        expect(await db.getDocument(bRestricted, STAFF_A)).toBeNull();
        expect(await db.getDocument(aRestricted, PROFESSIONAL)).toBeNull();
        expect((await db.getDocument(aRestricted, STAFF_A))?.id).toBe(aRestricted);
        expect((await db.getDocument(bShared, PROFESSIONAL))?.id).toBe(bShared);
        expect((await db.getDocument(bRestricted, UNION))?.id).toBe(bRestricted);
        expect((await db.getDocument(bRestricted))?.id).toBe(bRestricted);
      });

      it('are filtered and counted by Comune, together with scope, status, batch and paging', async () => {
        const { aShared, aRestricted, bShared, bRestricted } = await fourDocuments();
        await db.updateDocument(aRestricted, { status: 'archived' });
        await db.updateDocument(bShared, { status: 'archived' });
        const list = async (f: Parameters<MetadataStore['listDocuments']>[0]) =>
          (await db.listDocuments(f)).map((d) => d.id);
        expect(await list({ comuni: ['A'] })).toEqual([aShared, aRestricted]);
        expect(await list({ comuni: ['B', 'A'] })).toEqual([aShared, aRestricted, bShared, bRestricted]);
        expect(await list({ comuni: [] })).toEqual([]);
        expect(await list({ comuni: ['B'], scope: STAFF_A })).toEqual([bShared]);
        expect(await list({ comuni: ['A'], scope: PROFESSIONAL })).toEqual([aShared]);
        expect(await list({ comuni: ['A', 'B'], status: 'archived', scope: PROFESSIONAL })).toEqual([bShared]);
        expect(await list({ scope: STAFF_A, limit: 2, offset: 1 })).toEqual([aRestricted, bShared]);
        const bBatch = (await db.getDocument(bRestricted))!.batchId;
        expect(await list({ batchId: bBatch, scope: STAFF_A })).toEqual([]);
        expect(await list({ batchId: bBatch, scope: { full: ['B'] } })).toEqual([bRestricted]);

        expect(await db.countDocuments({ comuni: ['A'] })).toBe(2);
        expect(await db.countDocuments({ comuni: ['B'], scope: STAFF_A })).toBe(1);
        expect(await db.countDocuments({ status: 'archived', scope: PROFESSIONAL })).toBe(1);
        expect(await db.countDocuments({ comuni: [] })).toBe(0);
      });

      it('may be moved to another Comune or restricted by a patch, never cleared', async () => {
        const { aShared } = await fourDocuments();
        await db.updateDocument(aShared, { restricted: true });
        expect(await db.getDocument(aShared, PROFESSIONAL)).toBeNull();
        await db.updateDocument(aShared, { comune: 'B' });
        expect(await db.getDocument(aShared, STAFF_A)).toBeNull();
        expect(await db.getDocument(aShared)).toMatchObject({ comune: 'B', restricted: true });
        await db.updateDocument(aShared, { comune: undefined, restricted: undefined, title: 'x' });
        expect(await db.getDocument(aShared)).toMatchObject({ comune: 'B', restricted: true, title: 'x' });
        await db.updateDocument(aShared, { restricted: false });
        expect((await db.getDocument(aShared, PROFESSIONAL))?.comune).toBe('B');
      });
    });

    describe('practices', () => {
      it('the same key in two Comuni makes two practices, each found by its Comune', async () => {
        const a = await db.createPractice({ key: 'PE 1/2000', label: 'Lugo', comune: 'A' });
        const b = await db.createPractice({ key: 'PE 1/2000', label: 'Bagnacavallo', comune: 'B' });
        expect(a.created && b.created).toBe(true);
        expect(a.practice.id).not.toBe(b.practice.id);
        expect(a.practice).toMatchObject({ comune: 'A', key: 'PE 1/2000' });
        expect(await db.getPracticeByKey('PE 1/2000', 'A')).toStrictEqual(a.practice);
        expect(await db.getPracticeByKey('PE 1/2000', 'B')).toStrictEqual(b.practice);
        expect(await db.getPracticeByKey('PE 1/2000', 'C')).toBeNull();
        expect(await db.getPracticeByKey('PE 1/2000')).toStrictEqual(a.practice); // first Comune by code
        const again = await db.createPractice({ key: 'PE 1/2000', label: 'altra', comune: 'B' });
        expect(again).toStrictEqual({ created: false, practice: b.practice });
        const plain = await db.createPractice({ key: 'PE 1/2000', label: 'predefinito' });
        expect(plain).toMatchObject({ created: true, practice: { comune: 'C000' } });

        // A key is unique within its Comune only.
        const a2 = await db.createPractice({ key: 'PE 2/2000', label: 'Lugo 2', comune: 'A' });
        await expect(db.updatePractice(a2.practice.id, { key: 'PE 1/2000' })).rejects.toThrow();
        const b2 = await db.createPractice({ key: 'PE 3/2000', label: 'Bagnacavallo 3', comune: 'B' });
        await db.updatePractice(b2.practice.id, { key: 'PE 2/2000' });
        expect(await db.getPracticeByKey('PE 2/2000', 'B')).toMatchObject({ id: b2.practice.id });
        expect(await db.getPracticeByKey('PE 2/2000', 'A')).toMatchObject({ id: a2.practice.id });
      });

      it('are listed by Comune and found by member keys within a Comune', async () => {
        const a = (await db.createPractice({ key: 'PE 1/2000', label: 'Lugo', comune: 'A' })).practice;
        const b = (await db.createPractice({ key: 'PE 1/2000', label: 'Bagnacavallo', comune: 'B' })).practice;
        const c = (await db.createPractice({ label: 'Foglio 1 mappale 2', comune: 'C' })).practice;
        await db.linkDocument(member(a.id, sha('a'), { practiceKey: 'PE 1/2000', parcelKey: '1/2' }));
        await db.linkDocument(member(b.id, sha('b'), { practiceKey: 'PE 1/2000', parcelKey: '1/2' }));
        await db.linkDocument(member(b.id, sha('c'), { practiceKey: 'PE 1/2000' }));
        await db.linkDocument(member(c.id, sha('d'), { parcelKey: '1/2' }));

        const labels = async (opts: Parameters<MetadataStore['listPractices']>[0]) =>
          (await db.listPractices(opts)).map((p) => p.label);
        expect(await labels({ comuni: ['B'] })).toEqual(['Bagnacavallo']);
        expect(await labels({ comuni: ['A', 'C'] })).toEqual(['Lugo', 'Foglio 1 mappale 2']);
        expect(await labels({ comuni: ['A', 'B'], q: 'bagna' })).toEqual(['Bagnacavallo']);
        expect(await labels({ comuni: [] })).toEqual([]);
        expect(await labels({})).toHaveLength(3);

        expect(await db.findPracticesByKeys({ practiceKey: 'PE 1/2000', parcelKey: '1/2' }, 'B')).toEqual([
          { practiceId: b.id, matchedOn: 'practiceKey', documents: 2 },
          { practiceId: b.id, matchedOn: 'parcelKey', documents: 2 },
        ]);
        expect(await db.findPracticesByKeys({ parcelKey: '1/2' }, 'C')).toEqual([
          { practiceId: c.id, matchedOn: 'parcelKey', documents: 1 },
        ]);
        expect(await db.findPracticesByKeys({ practiceKey: 'PE 1/2000' }, 'Z')).toEqual([]);
        expect((await db.findPracticesByKeys({ parcelKey: '1/2' })).map((m) => m.practiceId)).toHaveLength(3);
      });

      it('refuses to merge practices of different Comuni, changing nothing', async () => {
        const a = (await db.createPractice({ key: 'PE 1/2000', label: 'Lugo', comune: 'A' })).practice;
        const a2 = (await db.createPractice({ label: 'doppione', comune: 'A' })).practice;
        const b = (await db.createPractice({ key: 'PE 1/2000', label: 'Bagnacavallo', comune: 'B' })).practice;
        await db.linkDocument(member(a.id, sha('a')));
        await db.linkDocument(member(a2.id, sha('b')));
        await db.linkDocument(member(b.id, sha('c')));
        const merge = db.mergePractices(a.id, [a2.id, b.id], { actor: 'mrossi', reason: 'x' });
        await expect(merge).rejects.toBeInstanceOf(ComuneMismatchError);
        await expect(db.mergePractices(a.id, [b.id], { actor: 'mrossi', reason: 'x' })).rejects.toThrow(
          /Comuni diversi/,
        );
        expect(await db.getPractice(a2.id)).toStrictEqual(a2);
        expect(await db.getPractice(b.id)).toStrictEqual(b);
        expect(await db.practiceMember(sha('b'))).toMatchObject({ practiceId: a2.id, linkedBy: 'system' });
        expect(await db.practiceMember(sha('c'))).toMatchObject({ practiceId: b.id });
        // Within one Comune the merge goes through.
        expect(await db.mergePractices(a.id, [a2.id], { actor: 'mrossi', reason: 'x' })).toBe(1);
        expect(await db.practiceMember(sha('b'))).toMatchObject({ practiceId: a.id });
      });

      it("links a document only to a practice of the document's Comune", async () => {
        const batch = await db.createBatch({ label: 'A', source: 'test', comune: 'A' });
        await db.createDocument(doc(sha('a'), batch.id));
        const a = (await db.createPractice({ label: 'Lugo', comune: 'A' })).practice;
        const b = (await db.createPractice({ label: 'Bagnacavallo', comune: 'B' })).practice;
        await expect(db.linkDocument(member(b.id, sha('a')))).rejects.toBeInstanceOf(ComuneMismatchError);
        expect(await db.practiceMember(sha('a'))).toBeNull();
        await db.linkDocument(member(a.id, sha('a')));
        await expect(db.linkDocument(member(b.id, sha('a')))).rejects.toThrow(/Comuni diversi/);
        expect(await db.practiceMember(sha('a'))).toMatchObject({ practiceId: a.id });
        await expect(db.linkDocument(member('no-such-practice', sha('a')))).rejects.toThrow();
        expect(await db.practiceMember(sha('a'))).toMatchObject({ practiceId: a.id });
      });
    });

    describe('protocol register and routing reviews', () => {
      it("registers a protocol entry in the document's Comune, or the one given", async () => {
        const batch = await db.createBatch({ label: 'A', source: 'test', comune: 'A', restricted: true });
        await db.createDocument(doc(sha('a'), batch.id));
        await db.createDocument(doc(sha('b'), batch.id));
        const entry = { number: 7, year: 2026, source: 'ocr' as const, registeredBy: 'system' };
        expect((await db.registerProtocol({ documentId: sha('a'), ...entry })).entry.comune).toBe('A');
        expect((await db.registerProtocol({ documentId: sha('b'), ...entry, comune: 'B' })).entry.comune).toBe('B');
        expect((await db.registerProtocol({ documentId: sha('f'), ...entry })).entry.comune).toBe('C000');
        expect(await db.getProtocol(sha('a'))).toMatchObject({ comune: 'A', number: 7 });
        const again = await db.registerProtocol({ documentId: sha('a'), ...entry, comune: 'Z' });
        expect(again).toMatchObject({ created: false, entry: { comune: 'A' } });
      });

      it("filters and counts routing reviews by their document's Comune", async () => {
        const { aShared, aRestricted, bShared } = await fourDocuments();
        const suggestion = (documentId: string, confidence: number) => ({
          documentId,
          state: 'pending' as const,
          suggested: { titolarioClass: '6.3', office: 'Urbanistica' },
          confidence,
          threshold: 0.8,
          decidedBy: 'rules',
          reasons: [],
        });
        await db.putRoutingSuggestion(suggestion(aShared, 0.3));
        await db.putRoutingSuggestion(suggestion(aRestricted, 0.2));
        await db.putRoutingSuggestion(suggestion(bShared, 0.1));
        await db.putRoutingSuggestion(suggestion(sha('f'), 0.4)); // no such document: in no Comune
        const ids = async (f: Parameters<MetadataStore['listRoutingReviews']>[0]) =>
          (await db.listRoutingReviews(f)).map((r) => r.documentId);
        expect(await ids({})).toEqual([bShared, aRestricted, aShared, sha('f')]);
        expect(await ids({ comuni: ['A'] })).toEqual([aRestricted, aShared]);
        expect(await ids({ comuni: ['A', 'B'], limit: 2 })).toEqual([bShared, aRestricted]);
        expect(await ids({ comuni: ['B'], state: 'pending' })).toEqual([bShared]);
        expect(await ids({ comuni: [] })).toEqual([]);
        expect(await db.countRoutingReviews({ comuni: ['A'] })).toBe(2);
        expect(await db.countRoutingReviews({ comuni: ['A', 'B'], office: 'Urbanistica' })).toBe(3);
        expect(await db.countRoutingReviews({ comuni: ['Z'] })).toBe(0);
        expect(await db.countRoutingReviews()).toBe(4);
      });
    });
  });
}
