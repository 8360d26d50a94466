import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCESS_REQUEST_REQUIRED,
  AccessRequestRequiredError,
  assertCanViewPracticeDocuments,
  canViewPracticeDocuments,
} from '../../src/paper/access-gate.ts';
import { accessWorld, actor, UNION, type AccessWorld } from './access-world.ts';

let w: AccessWorld;
const DAY = 86_400_000;
const reason = 'Verifica dello stato legittimo per compravendita';
const now = new Date('2024-03-01T09:00:00.000Z');
const denied = {
  allowed: false,
  reason: 'Serve una richiesta di accesso approvata per questa pratica',
  code: ACCESS_REQUEST_REQUIRED,
};

beforeAll(async () => {
  w = await accessWorld();
  await w.db.createPractice({ key: 'PE 7/1990', label: 'PE 7/1990', comune: 'E730' });
  await w.db.createPractice({ key: 'PE 8/1990', label: 'PE 8/1990', comune: 'E730' });
  await w.db.createPractice({ key: 'PE 7/1990', label: 'PE 7/1990', comune: 'A547' });
});
afterAll(async () => w.close());

describe('access gate', () => {
  it('lets staff through whatever the Comune, and professionals where no request is required', async () => {
    const lugoDoc = { comune: 'E730', practiceKey: 'PE 7/1990' };
    for (const user of [actor('archivist', ['E730']), actor('records_manager', ['A547']), actor('admin', '*')]) {
      expect(await canViewPracticeDocuments(user, lugoDoc, UNION, w.paper, now)).toEqual({ allowed: true });
    }
    const professional = actor('professional', []);
    expect(
      await canViewPracticeDocuments(professional, { comune: 'A547', practiceKey: 'PE 7/1990' }, UNION, w.paper, now),
    ).toEqual({ allowed: true });
    expect(await canViewPracticeDocuments(professional, { comune: 'A547' }, UNION, w.paper, now)).toEqual({
      allowed: true,
    });
  });

  it('in a Comune that requires it, a professional needs an approved unexpired request for that practice', async () => {
    const professional = actor('professional', []);
    const doc = { comune: 'E730', practiceKey: 'PE 7/1990' };
    expect(await canViewPracticeDocuments(professional, doc, UNION, w.paper, now)).toEqual(denied);

    const request = await w.service.request({
      user: professional,
      comune: 'E730',
      practiceKey: 'PE 7/1990',
      requesterRole: 'owner',
      reason,
    });
    // Pending is not enough.
    expect(await canViewPracticeDocuments(professional, doc, UNION, w.paper, now)).toEqual(denied);
    await w.service.approve(request.id, actor('archivist', ['E730']), { days: 10 });
    expect(await canViewPracticeDocuments(professional, doc, UNION, w.paper, now)).toEqual({ allowed: true });
    await expect(assertCanViewPracticeDocuments(professional, doc, UNION, w.paper, now)).resolves.toBeUndefined();

    // Only that practice, only in that Comune, only for that user.
    expect(
      await canViewPracticeDocuments(professional, { comune: 'E730', practiceKey: 'PE 8/1990' }, UNION, w.paper, now),
    ).toEqual(denied);
    expect(await canViewPracticeDocuments(actor('professional', []), doc, UNION, w.paper, now)).toEqual(denied);
    // A document of no practice cannot be covered by a request.
    expect(await canViewPracticeDocuments(professional, { comune: 'E730' }, UNION, w.paper, now)).toEqual(denied);
    expect(
      await canViewPracticeDocuments(professional, { comune: 'E730', practiceKey: null }, UNION, w.paper, now),
    ).toEqual(denied);

    // Past the expiry (even before the expiry job runs) the gate closes again.
    const after = new Date(now.getTime() + 11 * DAY);
    expect(await canViewPracticeDocuments(professional, doc, UNION, w.paper, after)).toEqual(denied);
    const err = await assertCanViewPracticeDocuments(professional, doc, UNION, w.paper, after.toISOString()).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AccessRequestRequiredError);
    expect(err).toMatchObject({ statusCode: 403, code: 'ACCESS_REQUEST_REQUIRED', message: denied.reason });
  });
});
