import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer, type SMTPServerAuthenticationMethod } from 'smtp-server';
import { SmtpMailer } from '../../src/notify/smtp.mailer.ts';
import { parseEml } from './eml.ts';

// An in-process SMTP server on an ephemeral port: plain SMTP (no STARTTLS), AUTH PLAIN or LOGIN with one account.
const USER = 'archivio';
const PASS = 'segreto';
interface Received {
  from: string;
  to: string[];
  user: string;
  raw: Buffer;
}
interface Login {
  method: SMTPServerAuthenticationMethod;
  username?: string;
  password?: string | null;
  ok: boolean;
}
const received: Received[] = [];
const logins: Login[] = [];

const server = new SMTPServer({
  logger: false,
  disabledCommands: ['STARTTLS'],
  authMethods: ['PLAIN', 'LOGIN'],
  allowInsecureAuth: true,
  closeTimeout: 1000,
  onAuth(auth, _session, callback) {
    const ok = auth.username === USER && auth.password === PASS;
    logins.push({ method: auth.method, username: auth.username, password: auth.password, ok });
    if (ok) callback(null, { user: auth.username });
    else callback(new Error('Invalid username or password'));
  },
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', callback);
    stream.on('end', () => {
      const { mailFrom, rcptTo } = session.envelope;
      received.push({
        from: mailFrom ? mailFrom.address : '',
        to: rcptTo.map((r) => r.address),
        user: String(session.user ?? ''),
        raw: Buffer.concat(chunks),
      });
      callback();
    });
  },
});
let port: number;
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  port = address.port;
});
afterAll(() => new Promise<void>((resolve) => server.close(resolve)));

describe('SMTP mailer', () => {
  it('delivers the message over SMTP with the URL credentials, envelope and UTF-8 Italian text', async () => {
    const mailer = new SmtpMailer({
      smtpUrl: `smtp://${USER}:${PASS}@127.0.0.1:${port}`,
      from: 'Archivio edilizio <archivio@comune.lugo.ra.it>',
    });
    try {
      const { id } = await mailer.send({
        to: 'notaio@example.it',
        subject: 'Pratica PE 7/1990 disponibile in consultazione',
        text: 'La pratica è ora consultabile: città di Lugo.',
        html: '<p>La pratica è ora <b>consultabile</b>: città di Lugo.</p>',
      });
      expect(id).toMatch(/@/);
      expect(logins).toEqual([{ method: 'PLAIN', username: USER, password: PASS, ok: true }]);
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({
        from: 'archivio@comune.lugo.ra.it',
        to: ['notaio@example.it'],
        user: USER,
      });
      const raw = received[0]!.raw.toString('utf8');
      expect(raw.split(/\r?\n\r?\n/)[0]).not.toMatch(/[^\x00-\x7f]/);
      const mail = await parseEml(received[0]!.raw);
      expect(mail.headers.to).toBe('notaio@example.it');
      expect(mail.headers.from).toMatch(/^"?Archivio edilizio"? <archivio@comune\.lugo\.ra\.it>$/);
      expect(mail.headers.subject).toBe('Pratica PE 7/1990 disponibile in consultazione');
      expect(mail.headers['message-id']).toBe(`<${id}>`);
      expect(mail.text.trim()).toBe('La pratica è ora consultabile: città di Lugo.');
      expect(mail.html?.trim()).toBe('<p>La pratica è ora <b>consultabile</b>: città di Lugo.</p>');
    } finally {
      await mailer.close();
    }
  });

  it('authenticates with AUTH LOGIN when the URL asks for it', async () => {
    const mailer = new SmtpMailer({
      smtpUrl: `smtp://${USER}:${PASS}@127.0.0.1:${port}/?authMethod=LOGIN`,
      from: 'a@b.it',
    });
    try {
      await mailer.send({ to: 'y@example.it', subject: 'login', text: 't' });
    } finally {
      await mailer.close();
    }
    expect(logins.at(-1)).toEqual({ method: 'LOGIN', username: USER, password: PASS, ok: true });
    expect(received.at(-1)).toMatchObject({ to: ['y@example.it'], user: USER });
  });

  it('fails the send when the server refuses the credentials', async () => {
    const before = received.length;
    const mailer = new SmtpMailer({ smtpUrl: `smtp://${USER}:sbagliata@127.0.0.1:${port}`, from: 'a@b.it' });
    try {
      await expect(mailer.send({ to: 'x@example.it', subject: 's', text: 't' })).rejects.toThrow(/535|auth/i);
    } finally {
      await mailer.close();
    }
    expect(logins.at(-1)).toMatchObject({ username: USER, password: 'sbagliata', ok: false });
    expect(received).toHaveLength(before);
  });
});
