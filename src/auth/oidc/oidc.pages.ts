// Answers of the OIDC routes when a login cannot complete: the browser arrives there by navigation, so it gets a
// small Italian HTML page; API clients (Accept without text/html) get the usual JSON error.
import type { FastifyReply, FastifyRequest } from 'fastify';

export const OIDC_MESSAGES = {
  disabled: 'Accesso con provider di identità non configurato',
  unavailable: 'Il provider di identità non è raggiungibile: riprovare più tardi',
  transaction: 'Sessione di accesso scaduta o non valida: ripetere l’accesso',
  state: 'Risposta di accesso non valida (state): ripetere l’accesso',
  denied: 'Accesso annullato o rifiutato dal provider di identità',
  invalid: 'Risposta del provider di identità non valida: ripetere l’accesso',
  notEnabled: "Utente non abilitato: chiedere all'amministratore",
} as const;

const escape = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function sendLoginError(
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
): FastifyReply {
  reply.status(status).header('cache-control', 'no-store');
  if (!String(req.headers.accept ?? '').includes('text/html')) return reply.send({ error: { code, message } });
  const html = `<!doctype html>
<html lang="it"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Accesso non riuscito — Faldone</title></head>
<body><main><h1>Accesso non riuscito</h1><p role="alert">${escape(message)}</p>
<p><a href="/#/login">Torna alla pagina di accesso</a></p></main></body></html>
`;
  return reply.type('text/html; charset=utf-8').send(html);
}
