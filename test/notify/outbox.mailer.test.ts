import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxMailer } from '../../src/notify/outbox.mailer.ts';
import { createMailer } from '../../src/notify/mailer.factory.ts';
import { SmtpMailer } from '../../src/notify/smtp.mailer.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { makeTmpDir } from '../helpers/tmp-dir.ts';
import { parseEml, readOutbox } from './eml.ts';

let tmp: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  tmp = await makeTmpDir('faldone-outbox-');
});
afterAll(async () => tmp.cleanup());

const FROM = 'Archivio edilizio di Lugo <archivio@comune.lugo.ra.it>';
const TEXT =
  'Gentile Mario Rossi,\nla richiesta di accesso agli atti per la pratica PE 123/1987 è stata approvata.\n' +
  "L'accesso è consentito fino al 31 dicembre 2024. Perché? Così è più semplice: città, però, già.";

describe('outbox mailer', () => {
  it('files each message as a parseable .eml with To, From, Subject and the UTF-8 Italian text', async () => {
    const dir = path.join(tmp.dir, 'nested', 'outbox'); // created on first use
    const mailer = new OutboxMailer({ dir, from: FROM });
    const { id } = await mailer.send({
      to: 'mario.rossi@example.it',
      subject: 'Richiesta di accesso approvata — PE 123/1987 (Comune di Lugo)',
      text: TEXT,
    });
    await mailer.close();

    const names = await readdir(dir);
    expect(names).toHaveLength(1);
    expect(names[0]).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}\\.\\d{3}Z-${id}\\.eml$`));
    const raw = await readFile(path.join(dir, names[0]!), 'utf8');
    // Non-ASCII never travels raw in the headers: RFC 2047 encoded words.
    expect(raw.split(/\r?\n\r?\n/)[0]).not.toMatch(/[^\x00-\x7f]/);
    const mail = await parseEml(raw);
    expect(mail.headers.to).toBe('mario.rossi@example.it');
    expect(mail.headers.from).toMatch(/^"?Archivio edilizio di Lugo"? <archivio@comune\.lugo\.ra\.it>$/);
    expect(mail.headers.subject).toBe('Richiesta di accesso approvata — PE 123/1987 (Comune di Lugo)');
    expect(mail.headers['message-id']).toBe(`<${id}@faldone.local>`);
    expect(mail.headers['content-type']).toMatch(/text\/plain; charset=utf-8/i);
    expect(mail.text.trimEnd()).toBe(TEXT);
  });

  it('keeps one file per message, in time order, with an html alternative when given', async () => {
    const dir = path.join(tmp.dir, 'two');
    const mailer = createMailer(
      { driver: 'outbox', outboxDir: dir, from: FROM, baseUrl: 'http://127.0.0.1:3000' },
      silentLogger,
    );
    expect(mailer).toBeInstanceOf(OutboxMailer);
    const a = await mailer.send({ to: 'a@example.it', subject: 'Primo', text: 'uno' });
    const b = await mailer.send({
      to: 'b@example.it',
      subject: 'Secondo',
      text: 'due è',
      html: '<p>due <b>è</b></p>',
    });
    expect(a.id).not.toBe(b.id);
    const mails = await readOutbox(dir);
    expect(mails.map((m) => m.headers.subject)).toEqual(['Primo', 'Secondo']);
    expect(mails[1]!.text.trim()).toBe('due è');
    expect(mails[1]!.html?.trim()).toBe('<p>due <b>è</b></p>');
    expect((await readdir(dir)).filter((n) => n.endsWith('.partial'))).toEqual([]);
  });

  it('picks the SMTP adapter when the driver is smtp and refuses it without a server address', () => {
    const base = { outboxDir: tmp.dir, from: FROM, baseUrl: 'http://127.0.0.1:3000' };
    expect(createMailer({ ...base, driver: 'smtp', smtpUrl: 'smtp://127.0.0.1:2525' }, silentLogger)).toBeInstanceOf(
      SmtpMailer,
    );
    expect(() => createMailer({ ...base, driver: 'smtp' }, silentLogger)).toThrow(/smtpUrl/);
  });
});
