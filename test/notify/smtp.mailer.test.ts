import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpMailer } from '../../src/notify/smtp.mailer.ts';
import { parseEml } from './eml.ts';
import { startSmtpSink, type SmtpSink } from './smtp-sink.ts';

let sink: SmtpSink;
beforeAll(async () => {
  sink = await startSmtpSink({ requireAuth: 'archivio:segreto' });
});
afterAll(async () => sink.close());

describe('SMTP mailer', () => {
  it('delivers the message over SMTP with the URL credentials, envelope and UTF-8 Italian text', async () => {
    const mailer = new SmtpMailer({
      smtpUrl: `smtp://archivio:segreto@127.0.0.1:${sink.port}`,
      from: 'Archivio edilizio <archivio@comune.lugo.ra.it>',
    });
    try {
      const { id } = await mailer.send({
        to: 'notaio@example.it',
        subject: 'Pratica PE 7/1990 disponibile in consultazione',
        text: 'La pratica è ora consultabile: città di Lugo.',
      });
      expect(id).toMatch(/@/);
      expect(sink.messages).toHaveLength(1);
      const received = sink.messages[0]!;
      expect(received).toMatchObject({
        from: 'archivio@comune.lugo.ra.it',
        to: ['notaio@example.it'],
        auth: 'archivio:segreto',
      });
      const mail = parseEml(received.data);
      expect(mail.headers.subject).toBe('Pratica PE 7/1990 disponibile in consultazione');
      expect(mail.headers['message-id']).toBe(`<${id}>`);
      expect(mail.text.trim()).toBe('La pratica è ora consultabile: città di Lugo.');
    } finally {
      await mailer.close();
    }
  });

  it('fails the send when the server refuses the credentials', async () => {
    const mailer = new SmtpMailer({ smtpUrl: `smtp://archivio:sbagliata@127.0.0.1:${sink.port}`, from: 'a@b.it' });
    try {
      await expect(mailer.send({ to: 'x@example.it', subject: 's', text: 't' })).rejects.toThrow(/535|auth/i);
    } finally {
      await mailer.close();
    }
    expect(sink.messages).toHaveLength(1);
  });
});
