// The practices (fascicoli) part of the records-management contract: practices, their members, key lookups and
// merges. Runs inside recordsContract, which opens a fresh store before each test.
import { describe, expect, it } from 'vitest';
import type { MetadataStore, PracticeMember } from '../../src/db/metadata-store.ts';
import { ISO, expectNoNulls, sha, sleep } from './metadata.contract.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const member = (practiceId: string, documentId: string, extra: Partial<PracticeMember> = {}) => ({
  practiceId,
  documentId,
  confidence: 0.9,
  reason: 'practice number PE 123/1987',
  linkedBy: 'system',
  locked: false,
  ...extra,
});

export function practicesContract(store: () => MetadataStore): void {
  describe('practices', () => {
    it('creates a practice without a key, or with a given id, and misses an unknown one', async () => {
      const db = store();
      const { created, practice } = await db.createPractice({ label: 'Foglio 12 mappale 345' });
      expect(created).toBe(true);
      expect(practice.id).toMatch(UUID);
      expect(practice).toStrictEqual({
        id: practice.id,
        comune: 'C000',
        key: undefined,
        label: 'Foglio 12 mappale 345',
        createdAt: practice.createdAt,
        updatedAt: practice.createdAt,
      });
      expect(practice.createdAt).toMatch(ISO);
      expectNoNulls(practice);
      expect(await db.getPractice(practice.id)).toStrictEqual(practice);
      const other = await db.createPractice({ label: 'Foglio 12 mappale 345' }); // no key: never merged by label
      expect(other.created).toBe(true);
      expect(other.practice.id).not.toBe(practice.id);

      const given = await db.createPractice({ id: 'fascicolo-1', key: 'PE 1/2000', label: 'PE 1/2000' });
      expect(given.practice).toMatchObject({ id: 'fascicolo-1', key: 'PE 1/2000' });
      await expect(db.createPractice({ id: 'fascicolo-1', key: 'PE 2/2000', label: 'altra' })).rejects.toThrow();
      expect(await db.getPractice('no-such-practice')).toBeNull();
      expect(await db.getPracticeByKey('PE 2/2000')).toBeNull();
    });

    it('with the same key twice, returns the first practice (same id) instead of creating another', async () => {
      const db = store();
      const first = await db.createPractice({ key: 'PE 123/1987', label: 'PE 123/1987 — Via Roma 12' });
      const again = await db.createPractice({ key: 'PE 123/1987', label: 'altra etichetta', id: 'ignored' });
      expect(again).toStrictEqual({ created: false, practice: first.practice });
      expect(await db.getPracticeByKey('PE 123/1987')).toStrictEqual(first.practice);
      expect(await db.getPractice('ignored')).toBeNull();
    });

    it('creates exactly one practice from 10 concurrent creations with the same key', async () => {
      const db = store();
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => db.createPractice({ key: 'PE 9/2001', label: `worker ${i}` })),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      const winner = results.find((r) => r.created)!.practice;
      for (const r of results) expect(r.practice).toStrictEqual(winner);
      expect(await db.listPractices()).toEqual([{ ...winner, documents: 0 }]);
    });

    it('updates label and key (null clears it, absent leaves it), refusing a key another practice has', async () => {
      const db = store();
      const { practice } = await db.createPractice({ key: 'PE 1/2000', label: 'vecchia' });
      await db.createPractice({ key: 'PE 2/2000', label: 'altra' });
      await sleep(3);
      await db.updatePractice(practice.id, { label: 'nuova' });
      const relabelled = await db.getPractice(practice.id);
      expect(relabelled).toMatchObject({ key: 'PE 1/2000', label: 'nuova', createdAt: practice.createdAt });
      expect(Date.parse(relabelled!.updatedAt)).toBeGreaterThan(Date.parse(practice.updatedAt));
      await db.updatePractice(practice.id, { key: null });
      const keyless = await db.getPractice(practice.id);
      expect(keyless!.key).toBeUndefined();
      expectNoNulls(keyless!);
      expect(await db.getPracticeByKey('PE 1/2000')).toBeNull();
      await db.updatePractice(practice.id, { key: 'PE 3/2000' });
      expect(await db.getPracticeByKey('PE 3/2000')).toMatchObject({ id: practice.id, label: 'nuova' });
      await expect(db.updatePractice(practice.id, { key: 'PE 2/2000' })).rejects.toThrow();
      const before = await db.getPractice(practice.id);
      await sleep(3);
      await db.updatePractice(practice.id, {});
      expect(await db.getPractice(practice.id)).toStrictEqual(before);
      await db.updatePractice('no-such-practice', { label: 'x' });
      expect(await db.getPractice('no-such-practice')).toBeNull();
    });

    it('deletes a practice only when it has no documents', async () => {
      const db = store();
      const { practice } = await db.createPractice({ key: 'PE 1/2000', label: 'x' });
      await db.linkDocument(member(practice.id, sha('a')));
      expect(await db.deletePracticeIfEmpty(practice.id)).toBe(false);
      expect(await db.getPractice(practice.id)).toStrictEqual(practice);
      await db.unlinkDocument(sha('a'));
      expect(await db.deletePracticeIfEmpty(practice.id)).toBe(true);
      expect(await db.getPractice(practice.id)).toBeNull();
      expect(await db.deletePracticeIfEmpty(practice.id)).toBe(false);
    });

    it('lists practices by key (keyless last), label and id, with document counts and paging', async () => {
      const db = store();
      const ids: Record<string, string> = {};
      for (const [name, key, label] of [
        ['z', undefined, 'Via Roma 12'],
        ['b', 'PE 2/1990', 'b'],
        ['y', undefined, 'Foglio 12 mappale 345'],
        ['a', 'PE 10/1990', 'z'],
        ['x', undefined, 'Foglio 12 mappale 345'],
      ] as const) {
        ids[name] = (await db.createPractice({ key, label })).practice.id;
      }
      await db.linkDocument(member(ids.b!, sha('1')));
      await db.linkDocument(member(ids.b!, sha('2')));
      await db.linkDocument(member(ids.x!, sha('3')));
      const all = await db.listPractices();
      const sameLabel = [ids.x!, ids.y!].sort();
      expect(all.map((p) => p.id)).toEqual([ids.a, ids.b, ...sameLabel, ids.z]);
      expect(all.map((p) => p.documents)).toEqual([0, 2, ...sameLabel.map((id) => (id === ids.x ? 1 : 0)), 0]);
      all.forEach(expectNoNulls);
      expect(all[0]).toStrictEqual({ ...(await db.getPractice(ids.a!))!, documents: 0 });
      expect((await db.listPractices({ limit: 2, offset: 1 })).map((p) => p.id)).toEqual([ids.b, sameLabel[0]]);
      expect(await db.listPractices({ offset: 5 })).toEqual([]);
    });

    it('searches key or label case-insensitively, accents included, and takes % and _ literally', async () => {
      const db = store();
      await db.createPractice({ key: 'PE 123/1987', label: 'VIA ROMA 12' });
      await db.createPractice({ label: 'LOCALITÀ SAN PIETRO' });
      await db.createPractice({ key: 'SCIA 5/2020', label: 'Sconto 50% oneri' });
      await db.createPractice({ key: 'CILA 7/2021', label: 'lotto_3' });
      const labels = async (q: string) => (await db.listPractices({ q })).map((p) => p.label);
      expect(await labels('via roma')).toEqual(['VIA ROMA 12']);
      expect(await labels('pe 123')).toEqual(['VIA ROMA 12']);
      expect(await labels('località')).toEqual(['LOCALITÀ SAN PIETRO']);
      expect(await labels('/20')).toEqual(['lotto_3', 'Sconto 50% oneri']); // ordered by key: CILA before SCIA
      expect(await labels('50%')).toEqual(['Sconto 50% oneri']);
      expect(await labels('%')).toEqual(['Sconto 50% oneri']);
      expect(await labels('_')).toEqual(['lotto_3']);
      expect(await labels('nessuna')).toEqual([]);
      expect(await labels('')).toHaveLength(4);
    });

    it('links a document with every field, moves it on relink, lists members by link time and unlinks', async () => {
      const db = store();
      const p1 = (await db.createPractice({ key: 'PE 1/2000', label: '1' })).practice;
      const p2 = (await db.createPractice({ key: 'PE 2/2000', label: '2' })).practice;
      const full = member(p1.id, sha('a'), {
        confidence: 1,
        reason: 'merged by mrossi',
        linkedBy: 'mrossi',
        locked: true,
        practiceKey: 'PE 1/2000',
        parcelKey: '12/345',
        addressKey: 'via roma 12',
        linkedAt: '2026-01-02T03:04:05+01:00',
      });
      await db.linkDocument(full);
      expect(await db.practiceMember(sha('a'))).toStrictEqual({ ...full, linkedAt: '2026-01-02T02:04:05.000Z' });
      await db.linkDocument(member(p1.id, sha('b')));
      const b = await db.practiceMember(sha('b'));
      expect(b).toStrictEqual({
        ...member(p1.id, sha('b')),
        practiceKey: undefined,
        parcelKey: undefined,
        addressKey: undefined,
        linkedAt: b!.linkedAt,
      });
      expect(b!.linkedAt).toMatch(ISO);
      expectNoNulls(b!);
      await db.linkDocument(member(p1.id, sha('c'), { linkedAt: '2026-01-02T02:04:05.000Z' }));
      expect((await db.listPracticeMembers(p1.id)).map((m) => m.documentId)).toEqual([sha('a'), sha('c'), sha('b')]);

      // A document belongs to at most one practice: linking it elsewhere moves it, with the new link's fields.
      await db.linkDocument(member(p2.id, sha('a'), { confidence: 0.6, reason: 'same parcel F.12 m.345' }));
      expect(await db.practiceMember(sha('a'))).toMatchObject({
        practiceId: p2.id,
        confidence: 0.6,
        locked: false,
        parcelKey: undefined,
      });
      expect((await db.listPracticeMembers(p1.id)).map((m) => m.documentId)).toEqual([sha('c'), sha('b')]);
      expect((await db.listPracticeMembers(p2.id)).map((m) => m.documentId)).toEqual([sha('a')]);
      expect((await db.listPractices()).map((p) => p.documents)).toEqual([2, 1]);

      await db.unlinkDocument(sha('a'));
      expect(await db.practiceMember(sha('a'))).toBeNull();
      expect(await db.listPracticeMembers(p2.id)).toEqual([]);
      expect(await db.getPractice(p2.id)).toStrictEqual(p2); // unlinking never deletes the practice
      await db.unlinkDocument(sha('f')); // harmless
      await expect(db.linkDocument(member('no-such-practice', sha('d')))).rejects.toThrow();
      expect(await db.practiceMember(sha('d'))).toBeNull();
    });

    it('finds practices by member keys, once per matched key kind, with their document counts', async () => {
      const db = store();
      const p1 = (await db.createPractice({ key: 'PE 1/2000', label: '1' })).practice.id;
      const p2 = (await db.createPractice({ label: 'Foglio 12 mappale 345' })).practice.id;
      await db.linkDocument(member(p1, sha('a'), { practiceKey: 'PE 1/2000', parcelKey: '12/345' }));
      await db.linkDocument(member(p1, sha('b'), { practiceKey: 'PE 1/2000', addressKey: 'via roma 12' }));
      await db.linkDocument(member(p1, sha('c')));
      await db.linkDocument(member(p2, sha('d'), { parcelKey: '12/345', addressKey: 'via roma 12' }));
      expect(
        await db.findPracticesByKeys({ practiceKey: 'PE 1/2000', parcelKey: '12/345', addressKey: 'via roma 12' }),
      ).toEqual([
        { practiceId: p1, matchedOn: 'practiceKey', documents: 3 },
        { practiceId: p1, matchedOn: 'parcelKey', documents: 3 },
        { practiceId: p2, matchedOn: 'parcelKey', documents: 1 },
        { practiceId: p1, matchedOn: 'addressKey', documents: 3 },
        { practiceId: p2, matchedOn: 'addressKey', documents: 1 },
      ]);
      expect(await db.findPracticesByKeys({ parcelKey: '12/345' })).toEqual([
        { practiceId: p1, matchedOn: 'parcelKey', documents: 3 },
        { practiceId: p2, matchedOn: 'parcelKey', documents: 1 },
      ]);
      expect(await db.findPracticesByKeys({ addressKey: 'via verdi 1', practiceKey: 'PE 9/9999' })).toEqual([]);
      expect(await db.findPracticesByKeys({})).toEqual([]);
    });

    it('merges practices: moves every member with the given reason and actor, deletes the emptied practices', async () => {
      const db = store();
      const into = (await db.createPractice({ key: 'PE 1/2000', label: 'destinazione' })).practice;
      const from1 = (await db.createPractice({ key: 'PE 1/2000 bis', label: 'doppione' })).practice;
      const from2 = (await db.createPractice({ label: 'Via Roma 12' })).practice;
      const untouched = (await db.createPractice({ label: 'altro' })).practice;
      await db.linkDocument(member(into.id, sha('a')));
      await db.linkDocument(member(from1.id, sha('b'), { confidence: 0.55, locked: true, parcelKey: '12/345' }));
      await db.linkDocument(member(from2.id, sha('c'), { confidence: 0.7, addressKey: 'via roma 12' }));
      await db.linkDocument(member(untouched.id, sha('d')));

      const moved = await db.mergePractices(into.id, [from1.id, from2.id, into.id, 'no-such-practice'], {
        actor: 'mrossi',
        reason: 'merged by mrossi',
      });
      expect(moved).toBe(2);
      expect(await db.getPractice(from1.id)).toBeNull();
      expect(await db.getPractice(from2.id)).toBeNull();
      expect(await db.getPractice(into.id)).toMatchObject({ key: 'PE 1/2000', label: 'destinazione' });
      const members = await db.listPracticeMembers(into.id);
      expect(members.map((m) => m.documentId).sort()).toEqual([sha('a'), sha('b'), sha('c')]);
      expect(await db.practiceMember(sha('a'))).toMatchObject({
        reason: 'practice number PE 123/1987',
        linkedBy: 'system',
      });
      expect(await db.practiceMember(sha('b'))).toMatchObject({
        practiceId: into.id,
        confidence: 0.55,
        reason: 'merged by mrossi',
        linkedBy: 'mrossi',
        locked: true,
        parcelKey: '12/345',
      });
      expect(await db.practiceMember(sha('c'))).toMatchObject({
        practiceId: into.id,
        confidence: 0.7,
        linkedBy: 'mrossi',
        addressKey: 'via roma 12',
      });
      expect(await db.practiceMember(sha('d'))).toMatchObject({ practiceId: untouched.id, linkedBy: 'system' });
      expect((await db.listPractices()).map((p) => [p.label, p.documents])).toEqual([
        ['destinazione', 3],
        ['altro', 1],
      ]);
      expect(await db.mergePractices(into.id, [], { actor: 'mrossi', reason: 'x' })).toBe(0);
    });

    it('merging into an unknown practice fails and changes nothing', async () => {
      const db = store();
      const from = (await db.createPractice({ label: 'doppione' })).practice;
      await db.linkDocument(member(from.id, sha('a')));
      await expect(db.mergePractices('no-such-practice', [from.id], { actor: 'mrossi', reason: 'x' })).rejects.toThrow(
        /no-such-practice/,
      );
      expect(await db.getPractice(from.id)).toStrictEqual(from);
      expect(await db.practiceMember(sha('a'))).toMatchObject({ practiceId: from.id, linkedBy: 'system' });
    });
  });
}
