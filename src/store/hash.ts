// SHA-256 helpers shared by the stores, ingest and the archive package.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';

export function sha256(data: Buffer | Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export async function sha256OfStream(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
