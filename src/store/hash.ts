// SHA-256 helpers shared by the stores, ingest and the archive package.
import { createHash } from 'node:crypto';
import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ObjectNotFoundError, type ObjectStore } from './object-store.ts';

export function sha256(data: Buffer | Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export async function sha256OfStream(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A pass-through that fingerprints what flows through it; read digest() and size once the stream has ended. */
export function hashingMeter(): { meter: Transform; digest(): string; size(): number } {
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  let hex: string | undefined;
  return { meter, digest: () => (hex ??= hash.digest('hex')), size: () => size };
}

/** Fingerprint of an object as the store returns it now, by re-reading every byte (a stored checksum attribute
 * would only prove that the attribute survived). null when the object is missing. */
export async function readFingerprint(
  store: ObjectStore,
  key: string,
): Promise<{ sha256: string; size: number } | null> {
  let stream: Readable;
  try {
    stream = await store.get(key);
  } catch (err) {
    if (err instanceof ObjectNotFoundError) return null;
    throw err;
  }
  const { meter, digest, size } = hashingMeter();
  // pipeline() (unlike pipe) passes a read error on, so a broken stream rejects instead of hanging.
  await pipeline(stream, meter, new Writable({ write: (_chunk, _enc, cb) => cb() }));
  return { sha256: digest(), size: size() };
}
