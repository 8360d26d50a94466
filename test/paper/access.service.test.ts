import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpMailer } from '../../src/notify/smtp.mailer.ts';
import { AccessService } from '../../src/paper/access.service.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { accessWorld, actor, BASE_URL, UNION, type AccessWorld } from './access-world.ts';

let w: AccessWorld;
const DAY = 86_400_000;
const lugoArchivist = actor('archivist', ['E730'], 'Anna Archivi');
const bagnacavalloArchivist = actor('archivist', ['A547'], 'Bruno Bagna');
const unionAdmin = actor('admin', '*', 'Amministratore');
const reason = 'Compravendita immobile, verifica conformità urbanistica';

beforeAll(async () => {
  w = await accessWorld();
  const base = { procedureType: 'PE', location: { building: 'Municipio', room: 'Archivio', shelf: '3', box: '12' } };
  await w.paper.upsertInventory([
    { ...base, comune: 'E730', practiceKey: 'PE 123/1987', number: 123, year: 1987 },
    { ...base, comune: 'E730', practiceKey: 'PE 124/1987', number: 124, year: 1987 },
    { ...base, comune: 'E730', practiceKey: 'PE 125/1987', number: 125, year: 1987 },
    { ...base, comune: 'A547', practiceKey: 'PE 5/2001', number: 5, year: 2001, state: 'archived' },
  ]);
  await w.db.createPractice({ key: 'PE 7/1990', label: 'PE 7/1990 — Via Roma 1', comune: 'E730' });
});
afterAll(async () => w.close());

/** A fresh professional's pending request for a practice of Lugo. */
async function pending(practiceKey = 'PE 7/1990', email: string | undefined = 'prof@example.it') {
  const user = actor('professional', [], 'Paola Professionista');
  const request = await w.service.request({
    user,
    comune: 'E730',
    practiceKey,
    requesterRole: 'delegated_technician',
    reason,
    ...(email ? { email } : {}),
  });
  return { user, request };
}

describe('access requests', () => {
  it('request → approve → e-mails → access until expiry, then expired and closed', async () => {
    const user = actor('professional', [], 'Mario Rossi');
    const request = await w.service.request({
      user,
      comune: 'e730',
      practiceKey: 'p.e. 123/87',
      requesterRole: 'notary',
      reason: `  ${reason}  `,
      email: 'mario.rossi@example.it',
    });
    const record = await w.paper.getInventoryByKey('E730', 'PE 123/1987');
    expect(request).toMatchObject({
      comune: 'E730',
      practiceKey: 'PE 123/1987',
      inventoryId: record!.id,
      requesterId: user.id,
      requesterName: 'Mario Rossi',
      requesterEmail: 'mario.rossi@example.it',
      requesterRole: 'notary',
      reason,
      state: 'pending',
      awaitingScan: true,
    });
    // The paper-only practice is now on the scan work list.
    expect(record!.state).toBe('requested');

    const approved = await w.service.approve(request.id, lugoArchivist, {
      note: 'Documenti in sala consultazione',
      days: 30,
    });
    const expiresAt = new Date(w.clock.now.getTime() + 30 * DAY).toISOString();
    expect(approved).toMatchObject({
      state: 'approved',
      decidedBy: lugoArchivist.id,
      decidedAt: w.clock.now.toISOString(),
      decisionNote: 'Documenti in sala consultazione',
      expiresAt,
    });
    expect(await w.paper.hasApprovedAccess(user.id, 'E730', 'PE 123/1987', w.clock.now.toISOString())).toBe(true);

    const mails = (await w.outbox()).filter((m) => m.headers.to === 'mario.rossi@example.it');
    expect(mails.map((m) => m.headers.subject)).toEqual([
      'Richiesta di accesso agli atti ricevuta — pratica PE 123/1987 (Comune di Lugo)',
      'Richiesta di accesso agli atti approvata — pratica PE 123/1987 (Comune di Lugo)',
    ]);
    expect(mails[0]!.text).toContain('messa in coda per la digitalizzazione');
    expect(mails[1]!.text).toContain('fino al 31 marzo 2024'); // 1 March + 30 days
    expect(mails[1]!.text).toContain("Nota dell'ufficio: Documenti in sala consultazione");
    expect(mails[1]!.text).toContain(`${BASE_URL}/#/richieste?id=${request.id}`);
    expect(mails[1]!.text).toContain('Unione dei Comuni della Bassa Romagna');

    // Nothing expires before its time…
    expect(await w.service.expire(new Date(w.clock.now.getTime() + 29 * DAY))).toEqual([]);
    // …and after it, access ends and the requester is told.
    const later = new Date(w.clock.now.getTime() + 31 * DAY);
    const expired = await w.service.expire(later);
    expect(expired.map((r) => [r.id, r.state])).toEqual([[request.id, 'expired']]);
    expect(await w.paper.hasApprovedAccess(user.id, 'E730', 'PE 123/1987', later.toISOString())).toBe(false);
    const last = (await w.outbox()).filter((m) => m.headers.to === 'mario.rossi@example.it').at(-1)!;
    expect(last.headers.subject).toBe('Accesso agli atti scaduto — pratica PE 123/1987 (Comune di Lugo)');
    expect(last.text).toContain('è terminato il 31 marzo 2024');
  });

  it('a practice known only to the archive is requested without waiting for scans', async () => {
    const { request } = await pending('P.E. 7/90');
    expect(request).toMatchObject({ practiceKey: 'PE 7/1990', awaitingScan: false });
    expect(request.inventoryId).toBeUndefined();
    const received = (await w.outbox()).find((m) => m.text.includes(request.id))!;
    expect(received.text).toContain("La richiesta sarà esaminata dall'ufficio archivio");
  });

  it('an archived inventory practice needs no scan; the approval defaults to the union’s access days', async () => {
    const user = actor('professional', []);
    const request = await w.service.request({
      user,
      comune: 'A547',
      practiceKey: 'PE 5/2001',
      requesterRole: 'owner',
      reason,
    });
    expect(request.awaitingScan).toBe(false);
    expect((await w.paper.getInventoryByKey('A547', 'PE 5/2001'))!.state).toBe('archived');
    const approved = await w.service.approve(request.id, bagnacavalloArchivist);
    expect(approved.expiresAt).toBe(new Date(w.clock.now.getTime() + UNION.accessDays * DAY).toISOString());
  });

  it('refuses unknown practices, practices of another Comune, unknown Comuni and bad keys', async () => {
    const user = actor('professional', []);
    const ask = (comune: string, practiceKey: string) =>
      w.service.request({ user, comune, practiceKey, requesterRole: 'owner', reason });
    await expect(ask('E730', 'PE 999/1999')).rejects.toMatchObject({ statusCode: 404, message: 'Pratica non trovata' });
    // PE 7/1990 is a practice of Lugo, not of Bagnacavallo.
    await expect(ask('A547', 'PE 7/1990')).rejects.toMatchObject({ statusCode: 404, message: 'Pratica non trovata' });
    await expect(ask('Z999', 'PE 7/1990')).rejects.toMatchObject({ statusCode: 400, code: 'UNKNOWN_COMUNE' });
    await expect(ask('E730', 'boh')).rejects.toMatchObject({ statusCode: 400, code: 'INVALID_REQUEST' });
    expect((await w.paper.listAccessRequests({ requesterId: user.id })).total).toBe(0);
  });

  it('one open request per user and practice', async () => {
    const { user } = await pending('PE 124/1987');
    await expect(
      w.service.request({ user, comune: 'E730', practiceKey: 'PE 124/1987', requesterRole: 'owner', reason }),
    ).rejects.toMatchObject({ statusCode: 409, code: 'ALREADY_REQUESTED' });
  });

  it('rejects with a note the requester reads; a second decision is a 409', async () => {
    const { request } = await pending();
    await expect(w.service.reject(request.id, lugoArchivist, '  ')).rejects.toMatchObject({ statusCode: 400 });
    const rejected = await w.service.reject(request.id, lugoArchivist, 'Non risulta la delega del proprietario');
    expect(rejected).toMatchObject({ state: 'rejected', decisionNote: 'Non risulta la delega del proprietario' });
    expect(rejected.expiresAt).toBeUndefined();
    const mail = (await w.outbox()).find(
      (m) => m.text.includes(request.id) && m.headers.subject?.includes('respinta'),
    )!;
    expect(mail.text).toContain('Motivazione: Non risulta la delega del proprietario');
    await expect(w.service.approve(request.id, lugoArchivist)).rejects.toMatchObject({
      statusCode: 409,
      message: 'La richiesta è già stata decisa',
    });
    await expect(w.service.reject(request.id, unionAdmin, 'di nuovo')).rejects.toMatchObject({ statusCode: 409 });
    expect((await w.paper.getAccessRequest(request.id))!.state).toBe('rejected');
  });

  it('of a concurrent approve and reject exactly one wins, and only its e-mail goes out', async () => {
    for (let round = 0; round < 5; round++) {
      const { request } = await pending(undefined, `gara-${round}@example.it`);
      const results = await Promise.allSettled([
        w.service.approve(request.id, lugoArchivist, { days: 10 }),
        w.service.reject(request.id, unionAdmin, 'Motivo del rifiuto'),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect((lost[0] as PromiseRejectedResult).reason).toMatchObject({ statusCode: 409 });
      const final = await w.paper.getAccessRequest(request.id);
      expect(final!.state).toBe((won[0] as PromiseFulfilledResult<{ state: string }>).value.state);
      const decisions = (await w.outbox()).filter(
        (m) => m.headers.to === `gara-${round}@example.it` && /approvata|respinta/.test(m.headers.subject ?? ''),
      );
      expect(decisions).toHaveLength(1);
    }
  });

  it('only staff acting on the Comune decide: others get 404, as if the request did not exist', async () => {
    const { user, request } = await pending();
    await expect(w.service.approve(request.id, bagnacavalloArchivist)).rejects.toMatchObject({
      statusCode: 404,
      message: 'Richiesta non trovata',
    });
    await expect(w.service.reject(request.id, bagnacavalloArchivist, 'no')).rejects.toMatchObject({ statusCode: 404 });
    await expect(w.service.approve(request.id, user)).rejects.toMatchObject({ statusCode: 404 });
    await expect(w.service.get(bagnacavalloArchivist, request.id)).rejects.toMatchObject({ statusCode: 404 });
    expect((await w.paper.getAccessRequest(request.id))!.state).toBe('pending');
    // A union-level administrator acts on every Comune.
    expect((await w.service.approve(request.id, unionAdmin)).state).toBe('approved');
  });

  it('the requester withdraws a pending request; nobody else can', async () => {
    const { user, request } = await pending();
    await expect(w.service.withdraw(request.id, actor('professional', []))).rejects.toMatchObject({ statusCode: 404 });
    await expect(w.service.withdraw(request.id, bagnacavalloArchivist)).rejects.toMatchObject({ statusCode: 404 });
    await expect(w.service.withdraw(request.id, lugoArchivist)).rejects.toMatchObject({ statusCode: 403 });
    const withdrawn = await w.service.withdraw(request.id, user);
    expect(withdrawn).toMatchObject({ state: 'withdrawn', decidedBy: user.id });
    await expect(w.service.withdraw(request.id, user)).rejects.toMatchObject({ statusCode: 409 });
    await expect(w.service.approve(request.id, lugoArchivist)).rejects.toMatchObject({ statusCode: 409 });
    expect(
      (await w.outbox()).some((m) => m.headers.subject?.startsWith('Richiesta di accesso agli atti ritirata')),
    ).toBe(true);
  });

  it('lists: professionals their own, staff the Comuni they act on', async () => {
    const mine = await pending('PE 125/1987');
    const other = await w.service.request({
      user: actor('professional', []),
      comune: 'A547',
      practiceKey: 'PE 5/2001',
      requesterRole: 'buyer',
      reason,
    });
    const own = await w.service.list(mine.user, {});
    expect(own.requests.map((r) => r.id)).toEqual([mine.request.id]);
    expect((await w.service.list(mine.user, { comuni: ['A547'] })).total).toBe(0);

    const bagna = await w.service.list(bagnacavalloArchivist, { limit: 200 });
    expect(bagna.requests.every((r) => r.comune === 'A547')).toBe(true);
    expect(bagna.requests.map((r) => r.id)).toContain(other.id);
    // Asking for a Comune outside the scope gives nothing rather than its requests.
    expect(await w.service.list(bagnacavalloArchivist, { comuni: ['E730'] })).toEqual({ total: 0, requests: [] });
    const lugoPending = await w.service.list(lugoArchivist, { state: 'pending', limit: 200 });
    expect(lugoPending.requests.map((r) => r.id)).toContain(mine.request.id);
    expect(lugoPending.requests.every((r) => r.comune === 'E730' && r.state === 'pending')).toBe(true);
    const all = await w.service.list(unionAdmin, { limit: 200 });
    expect(new Set(all.requests.map((r) => r.comune))).toEqual(new Set(['E730', 'A547']));
    expect((await w.service.list(unionAdmin, { mine: true })).total).toBe(0);
  });

  it('a failed e-mail is logged and never undoes the decision', async () => {
    const service = new AccessService({
      paper: w.paper,
      archive: w.db,
      mailer: new SmtpMailer({ smtpUrl: 'smtp://127.0.0.1:1', from: 'a@example.it' }), // nothing listens there
      union: UNION,
      baseUrl: BASE_URL,
      logger: silentLogger,
    });
    const user = actor('professional', []);
    const request = await service.request({
      user,
      comune: 'E730',
      practiceKey: 'PE 7/1990',
      requesterRole: 'owner',
      reason,
      email: 'irraggiungibile@example.it',
    });
    expect((await service.approve(request.id, lugoArchivist)).state).toBe('approved');
    expect((await w.paper.getAccessRequest(request.id))!.state).toBe('approved');
  });
});
