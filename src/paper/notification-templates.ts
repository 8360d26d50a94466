// The e-mails of access requests (accesso agli atti), in Italian: request received, approved, rejected, withdrawn,
// expired, and the practice's scans available. Each names the practice, its Comune, the dates and links to the app.
import type { MailMessage } from '../notify/mailer.ts';
import { ACCESS_REQUEST_STATE_LABELS, REQUESTER_ROLE_LABELS, type AccessRequest } from './paper-store.ts';

export const ACCESS_MAIL_KINDS = [
  'received',
  'approved',
  'rejected',
  'withdrawn',
  'expired',
  'scansAvailable',
] as const;
export type AccessMailKind = (typeof ACCESS_MAIL_KINDS)[number];

export interface AccessMailContext {
  /** The union (or single Comune) running the archive: the signature. */
  unionName: string;
  /** The name of the request's Comune ("Lugo"). */
  comuneName: string;
  /** Public address of the web app (config.notify.baseUrl). */
  baseUrl: string;
}

const DATE = new Intl.DateTimeFormat('it-IT', { dateStyle: 'long', timeZone: 'Europe/Rome' });
const DATE_TIME = new Intl.DateTimeFormat('it-IT', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Rome' });

/** "31 dicembre 2024" (Italian time zone). */
export function italianDate(iso: string): string {
  return DATE.format(new Date(iso));
}

/** The web app's page of the user's access requests, opened on one request. */
export function accessRequestLink(baseUrl: string, id: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/#/richieste?id=${encodeURIComponent(id)}`;
}

/** The web app's search for the practice's documents. */
export function practiceSearchLink(baseUrl: string, practiceKey: string, comune: string): string {
  const q = new URLSearchParams({ q: practiceKey, comune });
  return `${baseUrl.replace(/\/+$/, '')}/#/ricerca?${q.toString()}`;
}

function subjectOf(kind: AccessMailKind, key: string, comune: string): string {
  const where = `${key} (Comune di ${comune})`;
  switch (kind) {
    case 'received':
      return `Richiesta di accesso agli atti ricevuta — pratica ${where}`;
    case 'approved':
      return `Richiesta di accesso agli atti approvata — pratica ${where}`;
    case 'rejected':
      return `Richiesta di accesso agli atti respinta — pratica ${where}`;
    case 'withdrawn':
      return `Richiesta di accesso agli atti ritirata — pratica ${where}`;
    case 'expired':
      return `Accesso agli atti scaduto — pratica ${where}`;
    case 'scansAvailable':
      return `Pratica ${where} disponibile in consultazione`;
  }
}

function bodyOf(kind: AccessMailKind, r: AccessRequest, ctx: AccessMailContext): string[] {
  const practice = `la pratica ${r.practiceKey} del Comune di ${ctx.comuneName}`;
  const until = r.expiresAt ? italianDate(r.expiresAt) : undefined;
  const note = r.decisionNote?.trim();
  switch (kind) {
    case 'received':
      return [
        `abbiamo ricevuto la sua richiesta di accesso agli atti per ${practice}.`,
        '',
        `Qualifica: ${REQUESTER_ROLE_LABELS[r.requesterRole]}`,
        `Motivazione: ${r.reason}`,
        `Presentata il: ${DATE_TIME.format(new Date(r.createdAt))}`,
        '',
        r.awaitingScan
          ? 'La pratica è conservata in formato cartaceo: è stata messa in coda per la digitalizzazione. Riceverà un avviso quando sarà consultabile in linea.'
          : "La richiesta sarà esaminata dall'ufficio archivio; riceverà un avviso con la decisione.",
      ];
    case 'approved':
      return [
        `la sua richiesta di accesso agli atti per ${practice} è stata approvata.`,
        until ? `Potrà consultare i documenti della pratica fino al ${until}.` : '',
        note ? `Nota dell'ufficio: ${note}` : '',
        r.awaitingScan && !r.scanNotifiedAt
          ? 'La pratica è in attesa di digitalizzazione: riceverà un altro avviso quando le scansioni saranno disponibili.'
          : `Consultazione: ${practiceSearchLink(ctx.baseUrl, r.practiceKey, r.comune)}`,
      ].filter((l) => l !== '');
    case 'rejected':
      return [
        `la sua richiesta di accesso agli atti per ${practice} è stata respinta.`,
        note ? `Motivazione: ${note}` : '',
        "Per chiarimenti può rivolgersi all'ufficio archivio del Comune.",
      ].filter((l) => l !== '');
    case 'withdrawn':
      return [`la sua richiesta di accesso agli atti per ${practice} è stata ritirata come richiesto.`];
    case 'expired':
      return [
        `il periodo di accesso agli atti per ${practice} è terminato${until ? ` il ${until}` : ''}.`,
        'Per consultare di nuovo i documenti occorre presentare una nuova richiesta.',
      ];
    case 'scansAvailable':
      return [
        `${practice.charAt(0).toUpperCase()}${practice.slice(1)}, oggetto della sua richiesta di accesso agli atti, è stata digitalizzata ed è disponibile in consultazione.`,
        r.state === 'approved' && until
          ? `Potrà consultarla fino al ${until}: ${practiceSearchLink(ctx.baseUrl, r.practiceKey, r.comune)}`
          : r.state === 'pending'
            ? "La richiesta è ancora in esame: riceverà un avviso quando l'ufficio archivio l'avrà decisa."
            : `Consultazione: ${practiceSearchLink(ctx.baseUrl, r.practiceKey, r.comune)}`,
      ];
  }
}

/** The e-mail of `kind` for the request's requester, or null when the request has no e-mail address. */
export function accessRequestMail(
  kind: AccessMailKind,
  request: AccessRequest,
  ctx: AccessMailContext,
): MailMessage | null {
  if (!request.requesterEmail) return null;
  const lines = [
    `Gentile ${request.requesterName},`,
    '',
    ...bodyOf(kind, request, ctx),
    '',
    `Stato della richiesta: ${ACCESS_REQUEST_STATE_LABELS[request.state]}`,
    `Le sue richieste: ${accessRequestLink(ctx.baseUrl, request.id)}`,
    '',
    `${ctx.unionName} — archivio edilizio`,
    'Messaggio automatico: non rispondere a questo indirizzo.',
  ];
  return {
    to: request.requesterEmail,
    subject: subjectOf(kind, request.practiceKey, ctx.comuneName),
    text: lines.join('\n'),
  };
}
