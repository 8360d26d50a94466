// The pipeline's hooks into the paper inventory, over the real SQLite stores and the file outbox: a classified
// document marks its practice scanned, an archived one archives it (pages counted once per document) and tells each
// waiting requester once, even when the job runs again.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.ts';
import type { Mailer } from '../../src/notify/mailer.ts';
import {
  documentPracticeKey,
  onDocumentArchived,
  onDocumentClassified,
  type HookServices,
} from '../../src/paper/digitisation-hook.ts';
import { accessWorld, actor, BASE_URL, UNION, type AccessWorld } from './access-world.ts';
import { record } from './paper-store.contract.ts';

const DOC_A = { id: 'a'.repeat(64), comune: 'E730' };
const DOC_B = { id: 'b'.repeat(64), comune: 'E730' };

let w: AccessWorld;
const staff = actor('archivist', '*', 'Archivista');
const owner = actor('professional', [], 'Mario Rossi');
const notary = actor('professional', [], 'Anna Bianchi');
const neighbour = actor('professional', [], 'Carlo Verdi');
const quiet = actor('professional', [], 'Senza Posta');

const hookServices = (mailer: Mailer = w.mailer): HookServices => ({
  paper: w.paper,
  db: w.db,
  mailer,
  config: { union: UNION, notify: { baseUrl: BASE_URL } },
  logger: silentLogger,
});

const ask = (user: typeof owner, practiceKey: string, email?: string) =>
  w.service.request({
    user,
    comune: 'E730',
    practiceKey,
    requesterRole: 'owner',
    reason: 'Verifica della regolarità edilizia',
    ...(email ? { email } : {}),
  });

/** Only the scans-available e-mails (the access service files "received" and "approved" ones too). */
const scanMails = async () =>
  (await w.outbox()).filter((m) => /disponibile in consultazione/.test(m.headers.subject ?? ''));

beforeEach(async () => {
  w = await accessWorld();
  await w.paper.upsertInventory([
    record('E730', 'PE', 10, 1975),
    record('E730', 'PE', 11, 1976),
    record('A547', 'PE', 10, 1975),
  ]);
});
afterEach(async () => {
  await w.close();
});

describe('onDocumentClassified', () => {
  it('marks the practice of a classified document scanned, in the document’s Comune only', async () => {
    await ask(owner, 'PE 10/1975');
    expect((await w.paper.getInventoryByKey('E730', 'PE 10/1975'))?.state).toBe('requested');
    const moved = await onDocumentClassified(hookServices(), DOC_A, 'PE 10/1975');
    expect(moved).toMatchObject({ comune: 'E730', practiceKey: 'PE 10/1975', state: 'scanned' });
    expect((await w.paper.getInventoryByKey('A547', 'PE 10/1975'))?.state).toBe('paper');
  });

  it('does nothing without a practice key or for a practice the inventory does not hold', async () => {
    expect(await onDocumentClassified(hookServices(), DOC_A, undefined)).toBeNull();
    expect(await onDocumentClassified(hookServices(), DOC_A, 'PE 99/1999')).toBeNull();
    expect((await w.paper.searchInventory({ state: 'scanned' })).total).toBe(0);
  });

  it('never moves an archived practice back to scanned', async () => {
    await w.paper.setInventoryState('E730', 'PE 11/1976', 'archived', { pages: 3 });
    expect(await onDocumentClassified(hookServices(), DOC_A, 'PE 11/1976')).toBeNull();
    expect((await w.paper.getInventoryByKey('E730', 'PE 11/1976'))?.state).toBe('archived');
  });

  it('reads the practice key from the classification, normalised', () => {
    const classification = { practice: { prefix: 'P.E.', number: 10, year: 75, key: 'P.E. 10/75' } };
    expect(documentPracticeKey({ classification })).toBe('PE 10/1975');
    expect(documentPracticeKey({ classification: { documentType: 'lettera' } })).toBeUndefined();
    expect(documentPracticeKey({})).toBeUndefined();
  });
});

describe('onDocumentArchived', () => {
  it('archives the practice and e-mails each waiting requester exactly once, however often the job runs', async () => {
    const pending = await ask(owner, 'PE 10/1975', 'mario.rossi@example.it');
    const approved = await ask(notary, 'PE 10/1975', 'anna.bianchi@example.it');
    await w.service.approve(approved.id, staff);
    const noMail = await ask(quiet, 'PE 10/1975');
    const withdrawn = await ask(neighbour, 'PE 10/1975', 'carlo.verdi@example.it');
    await w.service.withdraw(withdrawn.id, neighbour);
    const other = await ask(owner, 'PE 11/1976', 'mario.rossi@example.it');
    await onDocumentClassified(hookServices(), DOC_A, 'PE 10/1975');

    const first = await onDocumentArchived(hookServices(), DOC_A, 'PE 10/1975', 7);
    const again = await onDocumentArchived(hookServices(), DOC_A, 'PE 10/1975', 7); // a retried index job

    expect(first.record).toMatchObject({ state: 'archived', pages: 7 });
    expect(first.notified.map((r) => r.id).sort()).toEqual([pending.id, approved.id].sort());
    expect(first.released.map((r) => r.id).sort()).toEqual([noMail.id, withdrawn.id].sort());
    expect(again).toMatchObject({ notified: [], released: [], record: { state: 'archived', pages: 7 } });

    const mails = await scanMails();
    expect(mails.map((m) => m.headers.to).sort()).toEqual(['anna.bianchi@example.it', 'mario.rossi@example.it']);
    for (const m of mails) {
      expect(m.headers.subject).toBe('Pratica PE 10/1975 (Comune di Lugo) disponibile in consultazione');
      expect(m.text).toContain('è stata digitalizzata ed è disponibile in consultazione');
    }
    expect(mails.find((m) => m.headers.to === 'anna.bianchi@example.it')!.text).toContain(BASE_URL);

    for (const r of [pending, approved, noMail, withdrawn]) {
      const now = (await w.paper.getAccessRequest(r.id))!;
      expect(now.awaitingScan, r.requesterName).toBe(false);
      expect(Boolean(now.scanNotifiedAt), r.requesterName).toBe(r === pending || r === approved);
    }
    expect((await w.paper.getAccessRequest(pending.id))?.state).toBe('pending'); // the decision is still the office's
    expect((await w.paper.getAccessRequest(other.id))?.awaitingScan).toBe(true); // another practice: still waiting
  });

  it('adds the pages of each document of the practice once', async () => {
    await onDocumentArchived(hookServices(), DOC_A, 'PE 10/1975', 7);
    await onDocumentArchived(hookServices(), DOC_A, 'PE 10/1975', 7);
    await onDocumentArchived(hookServices(), DOC_B, 'PE 10/1975', 5);
    expect(await w.paper.getInventoryByKey('E730', 'PE 10/1975')).toMatchObject({ state: 'archived', pages: 12 });
    const events = await w.db.listEvents({ documentId: DOC_B.id });
    expect(events.map((e) => e.type)).toEqual(['inventory.archived']);
  });

  it('records nothing for a practice the paper inventory does not hold', async () => {
    const out = await onDocumentArchived(hookServices(), DOC_A, 'PE 99/1999', 2);
    expect(out).toEqual({ record: null, notified: [], released: [] });
    expect(await w.db.listEvents({ documentId: DOC_A.id })).toEqual([]);
  });

  it('keeps the request waiting when the e-mail cannot be sent, so the retry sends it', async () => {
    const pending = await ask(owner, 'PE 10/1975', 'mario.rossi@example.it');
    const down: Mailer = {
      async send() {
        throw new Error('SMTP non raggiungibile');
      },
      async close() {},
    };
    await expect(onDocumentArchived(hookServices(down), DOC_A, 'PE 10/1975', 7)).rejects.toThrow(
      'SMTP non raggiungibile',
    );
    expect((await w.paper.getAccessRequest(pending.id))?.awaitingScan).toBe(true);
    expect(await scanMails()).toHaveLength(0);

    const retry = await onDocumentArchived(hookServices(), DOC_A, 'PE 10/1975', 7);
    expect(retry.notified.map((r) => r.id)).toEqual([pending.id]);
    expect(await scanMails()).toHaveLength(1);
    expect((await w.paper.getInventoryByKey('E730', 'PE 10/1975'))?.pages).toBe(7);
  });
});
