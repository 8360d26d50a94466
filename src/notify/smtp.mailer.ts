// The production Mailer: sends each message through an SMTP server (SMTP_URL, smtp:// or smtps:// with credentials).
import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from '../core/logger.ts';
import type { MailMessage, Mailer } from './mailer.ts';

export interface SmtpMailerOptions {
  /** smtp://user:pass@host:587 (STARTTLS when offered) or smtps://user:pass@host:465. */
  smtpUrl: string;
  from: string;
}

export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(
    private readonly opts: SmtpMailerOptions,
    private readonly logger?: Logger,
  ) {
    this.transport = nodemailer.createTransport(opts.smtpUrl);
  }

  async send(message: MailMessage): Promise<{ id: string }> {
    const info = await this.transport.sendMail({
      from: this.opts.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      ...(message.html ? { html: message.html } : {}),
    });
    const id = String(info.messageId ?? '').replace(/^<|>$/g, '');
    this.logger?.info({ mailId: id }, 'mail sent over SMTP');
    return { id };
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
