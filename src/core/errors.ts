// Error kinds the pipeline tells apart: a PermanentError fails its document at once (retrying cannot help).

export class PermanentError extends Error {
  override name = 'PermanentError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * A passing failure of infrastructure (object store, database, queue) met inside code that turns unreadable input
 * into a PermanentError: it must stay retryable, or an outage would fail documents that are fine.
 */
export class TransientError extends Error {
  override name = 'TransientError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Runs an infrastructure call; its failure is a TransientError (a PermanentError stays one). */
export async function transient<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof PermanentError || err instanceof TransientError) throw err;
    throw new TransientError(`${what}: ${errorMessage(err)}`, { cause: err });
  }
}
