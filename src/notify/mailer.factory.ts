// Builds the configured Mailer: the file outbox by default, SMTP when notify.driver is 'smtp'.
import type { Config } from '../core/config.ts';
import type { Logger } from '../core/logger.ts';
import type { Mailer } from './mailer.ts';
import { OutboxMailer } from './outbox.mailer.ts';
import { SmtpMailer } from './smtp.mailer.ts';

export function createMailer(config: Config['notify'], logger: Logger): Mailer {
  const log = logger.child({ component: 'mailer' });
  if (config.driver === 'smtp') {
    // loadConfig refuses driver 'smtp' without smtpUrl; this guards callers that build the config by hand.
    if (!config.smtpUrl) throw new Error('notify.smtpUrl is required when notify.driver is smtp');
    return new SmtpMailer({ smtpUrl: config.smtpUrl, from: config.from }, log);
  }
  return new OutboxMailer({ dir: config.outboxDir, from: config.from }, log);
}
