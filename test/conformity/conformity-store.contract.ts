// The ConformityStore contract, run on SQLite and on PostgreSQL.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConformityStore, VerificationReport } from '../../src/conformity/conformity-store.ts';

export interface ConformityHarness {
  store: ConformityStore;
  cleanup(): Promise<void>;
}

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const BATCH = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';

const report = (over: Partial<VerificationReport> = {}): VerificationReport => ({
  checkedBy: { id: 'u1', username: 'anna' },
  closedAt: '2026-03-02T10:00:00.000Z',
  sampleSize: 2,
  pagesChecked: 2,
  population: 9,
  documents: 2,
  conformi: 1,
  nonConformi: 1,
  problems: [{ documentId: B, page: 3, problem: 'pagina sfocata' }],
  outcome: 'non conforme',
  ...over,
});

export function conformityStoreContract(name: string, open: () => Promise<ConformityHarness>): void {
  describe(`ConformityStore on ${name}`, () => {
    let h: ConformityHarness;
    beforeEach(async () => {
      h = await open();
    });
    afterEach(async () => {
      await h.cleanup();
    });

    const newVerification = (batchId = BATCH) =>
      h.store.createVerification({
        batchId,
        comune: 'E730',
        seed: 'seme',
        createdBy: 'u1',
        pages: [
          { documentId: B, page: 3 },
          { documentId: A, page: 1 },
        ],
      });

    it('keeps the sample in its order, records outcomes and closes once with its report', async () => {
      const v = await newVerification();
      expect(v).toMatchObject({ batchId: BATCH, comune: 'E730', state: 'open', seed: 'seme', report: null });
      expect(v.pages.map((p) => [p.documentId, p.page, p.position, p.outcome])).toEqual([
        [B, 3, 0, null],
        [A, 1, 1, null],
      ]);
      const at = '2026-03-02T09:30:00.000Z';
      expect(
        await h.store.setPageResult(
          v.id,
          { documentId: A, page: 1 },
          { outcome: 'conforme', problem: null, checkedBy: 'anna', checkedAt: at },
        ),
      ).toBe(true);
      expect(
        await h.store.setPageResult(
          v.id,
          { documentId: B, page: 3 },
          { outcome: 'non conforme', problem: 'pagina sfocata', checkedBy: 'anna', checkedAt: at },
        ),
      ).toBe(true);
      // A page outside the sample changes nothing.
      expect(
        await h.store.setPageResult(
          v.id,
          { documentId: A, page: 2 },
          { outcome: 'conforme', problem: null, checkedBy: 'anna', checkedAt: at },
        ),
      ).toBe(false);
      const marked = await h.store.getVerification(v.id);
      expect(marked?.pages[0]).toMatchObject({
        outcome: 'non conforme',
        problem: 'pagina sfocata',
        checkedBy: 'anna',
        checkedAt: at,
      });

      expect(await h.store.closeVerification(v.id, report())).toBe(true);
      expect(await h.store.closeVerification(v.id, report({ outcome: 'conforme' }))).toBe(false);
      const closed = await h.store.latestVerification(BATCH);
      expect(closed).toMatchObject({
        id: v.id,
        state: 'closed',
        closedAt: '2026-03-02T10:00:00.000Z',
        report: report(),
      });
      // A closed verification's outcomes are final.
      expect(
        await h.store.setPageResult(
          v.id,
          { documentId: A, page: 1 },
          { outcome: 'non conforme', problem: 'x', checkedBy: 'b', checkedAt: at },
        ),
      ).toBe(false);
    });

    it('replaces an open verification of the batch, keeps closed ones, and keeps batches apart', async () => {
      const first = await newVerification();
      const second = await newVerification();
      expect(await h.store.getVerification(first.id)).toBeNull();
      expect((await h.store.latestVerification(BATCH))?.id).toBe(second.id);
      await h.store.closeVerification(second.id, report());
      const third = await newVerification();
      expect((await h.store.getVerification(second.id))?.state).toBe('closed');
      expect((await h.store.latestVerification(BATCH))?.id).toBe(third.id);
      expect(await h.store.latestVerification(OTHER)).toBeNull();
    });

    it('restores a verification as it was, once', async () => {
      const v = await newVerification();
      const at = '2026-03-02T09:30:00.000Z';
      await h.store.setPageResult(
        v.id,
        { documentId: A, page: 1 },
        { outcome: 'conforme', problem: null, checkedBy: 'anna', checkedAt: at },
      );
      await h.store.setPageResult(
        v.id,
        { documentId: B, page: 3 },
        { outcome: 'non conforme', problem: 'pagina sfocata', checkedBy: 'anna', checkedAt: at },
      );
      await h.store.closeVerification(v.id, report());
      const closed = (await h.store.getVerification(v.id))!;
      await h.cleanup();
      h = await open();
      expect(await h.store.restoreVerification(closed)).toBe(true);
      expect(await h.store.restoreVerification(closed)).toBe(false);
      expect(await h.store.latestVerification(BATCH)).toEqual(closed);
    });

    it('records issued attestations once per hash and signed files, per batch', async () => {
      const issued = {
        batchId: BATCH,
        sha256: A,
        key: `conformity/${BATCH}/attestazione-${A}.pdf`,
        size: 1234,
        verificationId: 'v1',
        issuedBy: 'anna',
        issuedAt: '2026-03-02T11:00:00.000Z',
      };
      await h.store.recordAttestation(issued);
      await h.store.recordAttestation({ ...issued, issuedAt: '2026-03-03T11:00:00.000Z' });
      expect(await h.store.listAttestations(BATCH)).toEqual([issued]);
      expect(await h.store.listAttestations(OTHER)).toEqual([]);
      const signed = {
        batchId: BATCH,
        sha256: B,
        key: `conformity/${BATCH}/firmato-${B}.p7m`,
        size: 4321,
        format: 'cades' as const,
        attestationSha256: A,
        signer: 'CN=Mario Rossi',
        uploadedBy: 'anna',
        uploadedAt: '2026-03-04T08:00:00.000Z',
      };
      await h.store.recordSigned(signed);
      expect(await h.store.listSigned(BATCH)).toEqual([signed]);
      expect(await h.store.listSigned(OTHER)).toEqual([]);
    });
  });
}
