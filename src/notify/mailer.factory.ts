// Builds the configured Mailer (implemented by the notifications work; placeholder until then).
import type { Config } from '../core/config.ts';
import type { Logger } from '../core/logger.ts';
import type { Mailer } from './mailer.ts';

export function createMailer(_config: Config['notify'], _logger: Logger): Mailer {
  return {
    async send() {
      throw new Error('mailer not implemented yet');
    },
    async close() {},
  };
}
