// The default Mailer: each message is rendered as an RFC 822 file (<time>-<id>.eml) in an outbox folder instead of
// being sent, so a deployment without a mail server still keeps every notification (and tests can read them).
import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Logger } from '../core/logger.ts';
import type { MailMessage, Mailer } from './mailer.ts';

export interface OutboxMailerOptions {
  /** Absolute folder of the .eml files, created on first use. */
  dir: string;
  /** The From header, e.g. "Archivio edilizio <archivio@comune.it>". */
  from: string;
}

/** "2024-05-01T10-20-30.123Z": an ISO time usable in a file name on every platform, sorting in time order. */
export function outboxTimestamp(at: Date): string {
  return at.toISOString().replace(/:/g, '-');
}

export class OutboxMailer implements Mailer {
  // Renders the message only (no network): nodemailer's MIME builder, with the message handed back as a Buffer.
  private readonly transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });

  constructor(
    private readonly opts: OutboxMailerOptions,
    private readonly logger?: Logger,
  ) {}

  async send(message: MailMessage): Promise<{ id: string }> {
    const id = randomUUID();
    const info = await this.transport.sendMail({
      from: this.opts.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      ...(message.html ? { html: message.html } : {}),
      messageId: `<${id}@faldone.local>`,
    });
    await mkdir(this.opts.dir, { recursive: true });
    const file = path.join(this.opts.dir, `${outboxTimestamp(new Date())}-${id}.eml`);
    // Written aside and renamed: whoever reads the folder never sees half a message.
    const partial = `${file}.partial`;
    await writeFile(partial, info.message as Buffer);
    await rename(partial, file);
    this.logger?.info({ mailId: id, file: path.basename(file) }, 'mail filed in the outbox');
    return { id };
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
