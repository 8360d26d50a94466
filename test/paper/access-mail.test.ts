import { describe, expect, it } from 'vitest';
import { accessRequestMail, italianDate } from '../../src/paper/notification-templates.ts';
import type { AccessRequest } from '../../src/paper/paper-store.ts';

const ctx = { unionName: 'Unione della Bassa Romagna', comuneName: 'Lugo', baseUrl: 'https://archivio.example.it/' };
const request: AccessRequest = {
  id: '6f1c2b1e-0000-4000-8000-000000000001',
  comune: 'E730',
  practiceKey: 'PE 123/1987',
  requesterId: 'u1',
  requesterName: 'Maria Bianchi',
  requesterEmail: 'maria@example.it',
  requesterRole: 'owner',
  reason: 'Ristrutturazione',
  state: 'approved',
  awaitingScan: false,
  expiresAt: '2024-12-31T23:30:00.000Z', // already 1 January in Italy
  createdAt: '2024-10-01T08:00:00.000Z',
  updatedAt: '2024-10-01T08:00:00.000Z',
};

describe('access request e-mails', () => {
  it('dates are Italian and in Italian time', () => {
    expect(italianDate('2024-12-31T23:30:00.000Z')).toBe('1 gennaio 2025');
  });

  it('scans available: names practice and Comune, and links the search while access lasts', () => {
    const mail = accessRequestMail('scansAvailable', request, ctx)!;
    expect(mail.to).toBe('maria@example.it');
    expect(mail.subject).toBe('Pratica PE 123/1987 (Comune di Lugo) disponibile in consultazione');
    expect(mail.text).toContain('La pratica PE 123/1987 del Comune di Lugo');
    expect(mail.text).toContain('fino al 1 gennaio 2025');
    expect(mail.text).toContain('https://archivio.example.it/#/ricerca?q=PE+123%2F1987&comune=E730');
    expect(mail.text).toContain('https://archivio.example.it/#/richieste?id=6f1c2b1e-0000-4000-8000-000000000001');

    const pending = accessRequestMail('scansAvailable', { ...request, state: 'pending', expiresAt: undefined }, ctx)!;
    expect(pending.text).toContain('La richiesta è ancora in esame');
    expect(pending.text).not.toContain('#/ricerca');
  });

  it('an approval for a practice still waiting for its scans says another message will follow', () => {
    const mail = accessRequestMail('approved', { ...request, awaitingScan: true }, ctx)!;
    expect(mail.text).toContain('in attesa di digitalizzazione');
    expect(mail.text).not.toContain('#/ricerca');
  });

  it('no e-mail address, no message', () => {
    expect(accessRequestMail('received', { ...request, requesterEmail: undefined }, ctx)).toBeNull();
  });
});
