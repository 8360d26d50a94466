// SHA-256 helpers shared by the stores, ingest and the archive package.
import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';

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
