// ObjectStore port: the archive of record. Keys are '/'-separated relative paths; values are byte streams.
import type { Readable } from 'node:stream';

export interface ObjectInfo {
  key: string;
  size: number;
  sha256: string; // hex, computed while writing; for foreign objects it is computed on head()
  modified: Date;
}

export interface ObjectStore {
  /** Store a stream under key atomically: readers see the old object or the whole new one, never a half. */
  put(key: string, body: Readable | Buffer | Uint8Array, opts?: { contentType?: string }): Promise<ObjectInfo>;
  /** Read an object; rejects with ObjectNotFoundError when the key is absent. */
  get(key: string): Promise<Readable>;
  getBuffer(key: string): Promise<Buffer>;
  /** Metadata of an object, or null when absent. */
  head(key: string): Promise<ObjectInfo | null>;
  /** Keys under a prefix, in lexical order. */
  list(prefix: string): AsyncIterable<string>;
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}

export class ObjectNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`object not found: ${key}`);
    this.name = 'ObjectNotFoundError';
  }
}

export class InvalidKeyError extends Error {
  constructor(readonly key: string, reason: string) {
    super(`invalid object key ${JSON.stringify(key)}: ${reason}`);
    this.name = 'InvalidKeyError';
  }
}
