// ObjectStore on a local directory: atomic writes (temp file, fsync, rename), keys confined to the root.
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidKeyError, ObjectNotFoundError, type ObjectInfo, type ObjectStore } from './object-store.ts';
import { hashingMeter, sha256OfStream } from './hash.ts';

const TMP_DIR = '.tmp';

/** Validate a key and return its path segments: relative, '/'-separated, no '.', '..', empty or hidden-tmp parts. */
export function keySegments(key: string): string[] {
  if (typeof key !== 'string' || key.length === 0) throw new InvalidKeyError(key, 'empty');
  if (key.length > 1024) throw new InvalidKeyError(key, 'longer than 1024 characters');
  if (key.includes('\\') || key.includes('\0')) throw new InvalidKeyError(key, 'backslash or NUL');
  const parts = key.split('/');
  for (const part of parts) {
    if (part === '' || part === '.' || part === '..') throw new InvalidKeyError(key, 'empty, "." or ".." segment');
  }
  if (parts[0] === TMP_DIR) throw new InvalidKeyError(key, 'reserved prefix');
  return parts;
}

export class FsObjectStore implements ObjectStore {
  constructor(private readonly root: string) {}

  private pathOf(key: string): string {
    const full = path.join(this.root, ...keySegments(key));
    // Belt and braces: the joined path must stay inside the root whatever the platform does with segments.
    if (!full.startsWith(path.resolve(this.root) + path.sep)) throw new InvalidKeyError(key, 'escapes the store root');
    return full;
  }

  async put(key: string, body: Readable | Buffer | Uint8Array): Promise<ObjectInfo> {
    const target = this.pathOf(key);
    const tmpDir = path.join(this.root, TMP_DIR);
    await mkdir(tmpDir, { recursive: true });
    await mkdir(path.dirname(target), { recursive: true });
    const tmp = path.join(tmpDir, `${randomUUID()}.part`);
    const { meter, digest, size } = hashingMeter();
    const source = body instanceof Readable ? body : Readable.from([Buffer.from(body)]);
    try {
      await pipeline(source, meter, createWriteStream(tmp, { flags: 'wx' }));
      const fh = await open(tmp, 'r');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, target);
      await syncDir(path.dirname(target));
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return { key, size: size(), sha256: digest(), modified: new Date() };
  }

  async get(key: string): Promise<Readable> {
    const p = this.pathOf(key);
    const st = await stat(p).catch(() => null);
    if (!st?.isFile()) throw new ObjectNotFoundError(key);
    return createReadStream(p);
  }

  async getBuffer(key: string): Promise<Buffer> {
    try {
      return await readFile(this.pathOf(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ObjectNotFoundError(key);
      throw err;
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    const p = this.pathOf(key);
    const st = await stat(p).catch(() => null);
    if (!st?.isFile()) return null;
    return { key, size: st.size, sha256: await sha256OfStream(createReadStream(p)), modified: st.mtime };
  }

  async *list(prefix: string): AsyncIterable<string> {
    // Walk only the directory that can hold the prefix, then filter by the full key.
    const slash = prefix.lastIndexOf('/');
    const dirKey = slash >= 0 ? prefix.slice(0, slash) : '';
    const start = dirKey ? this.pathOf(dirKey) : this.root;
    for await (const key of walk(start, dirKey)) {
      if (key.startsWith(prefix)) yield key;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async close(): Promise<void> {}
}

async function* walk(dir: string, keyPrefix: string): AsyncGenerator<string> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return;
    throw err;
  }
  // A directory's keys all start with "name/", so sorting it as "name/" yields the exact lexical order of keys.
  const sortKey = (e: { name: string; isDirectory(): boolean }) => (e.isDirectory() ? `${e.name}/` : e.name);
  entries.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
  for (const e of entries) {
    if (!keyPrefix && e.name === TMP_DIR) continue;
    const key = keyPrefix ? `${keyPrefix}/${e.name}` : e.name;
    if (e.isDirectory()) yield* walk(path.join(dir, e.name), key);
    else if (e.isFile()) yield key;
  }
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic there.
  } finally {
    await fh.close();
  }
}
