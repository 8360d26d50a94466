// The process logger: pino JSON; child loggers carry batchId / documentId / jobId for correlation.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string = 'info', name = 'faldone'): Logger {
  return pino({ name, level, base: { pid: process.pid } });
}

/** A silent logger for tests and libraries used without a process logger. */
export const silentLogger: Logger = pino({ level: 'silent' });
