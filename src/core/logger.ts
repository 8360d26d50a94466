// The process logger: pino JSON; child loggers carry batchId / documentId / jobId for correlation.
import { pino, type Logger } from 'pino';

export type { Logger };

const SECRET_KEY = /secret|password|passwd|authorization|cookie|token|apikey|api_key|masterkey/i;
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/)([^/@\s:]+):([^/@\s]+)@/gi;

/** Deep copy with secrets masked: keys that name a secret, and user:password in URLs (database, Redis). */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') {
    return typeof value === 'string' ? value.replace(URL_CREDENTIALS, '$1$2:[redatto]@') : value;
  }
  if (value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) && v !== undefined ? '[redatto]' : redactSecrets(v, depth + 1);
  return out;
}

export function createLogger(level: string = 'info', name = 'faldone', destination?: NodeJS.WritableStream): Logger {
  const opts = { name, level, base: { pid: process.pid }, formatters: { log: (obj: Record<string, unknown>) => redactSecrets(obj) as Record<string, unknown> } };
  return destination ? pino(opts, destination as never) : pino(opts);
}

/** A silent logger for tests and libraries used without a process logger. */
export const silentLogger: Logger = pino({ level: 'silent' });
