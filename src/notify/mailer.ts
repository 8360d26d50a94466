// Mailer port: e-mail notifications (access requests, scans available). A file outbox by default, SMTP in production.
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface Mailer {
  /** Sends (or files) the message; resolves with an id of the stored/sent message. */
  send(message: MailMessage): Promise<{ id: string }>;
  close(): Promise<void>;
}
