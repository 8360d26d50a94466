import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { FsObjectStore } from '../../src/store/fs.store.ts';
import { InvalidKeyError, ObjectNotFoundError } from '../../src/store/object-store.ts';
import { sha256 } from '../../src/store/hash.ts';
import { makeTmpDir } from '../helpers/tmp-dir.ts';

let tmp: Awaited<ReturnType<typeof makeTmpDir>>;
let store: FsObjectStore;
beforeEach(async () => {
  tmp = await makeTmpDir();
  store = new FsObjectStore(tmp.dir);
});
afterEach(() => tmp.cleanup());

describe('filesystem object store', () => {
  it('stores a stream and reports the SHA-256 of the bytes it wrote', async () => {
    const data = Buffer.from('pratica edilizia 123/1987'.repeat(1000));
    const info = await store.put('archive/2026/abc/original.tif', Readable.from([data.subarray(0, 100), data.subarray(100)]));
    expect(info.sha256).toBe(sha256(data));
    expect(info.size).toBe(data.length);
    expect(await store.getBuffer('archive/2026/abc/original.tif')).toEqual(data);
    expect((await store.head('archive/2026/abc/original.tif'))?.sha256).toBe(sha256(data));
  });

  it('refuses keys that could escape the root', async () => {
    for (const key of ['../x', 'a/../../x', '/etc/passwd', 'a//b', 'a\\b', '', '.tmp/x', 'a/./b']) {
      await expect(store.put(key, Buffer.from('x')), key).rejects.toBeInstanceOf(InvalidKeyError);
    }
  });

  it('reports a missing key as not found, and head() as null', async () => {
    await expect(store.get('nope')).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(store.getBuffer('nope')).rejects.toBeInstanceOf(ObjectNotFoundError);
    expect(await store.head('nope')).toBeNull();
  });

  it('lists keys under a prefix in lexical order, without temp files', async () => {
    for (const k of ['work/b/2', 'work/a/1', 'work/a/10', 'archive/x', 'work2/z']) await store.put(k, Buffer.from(k));
    const keys: string[] = [];
    for await (const k of store.list('work/')) keys.push(k);
    expect(keys).toEqual(['work/a/1', 'work/a/10', 'work/b/2']);
    const partial: string[] = [];
    for await (const k of store.list('work/a/1')) partial.push(k);
    expect(partial).toEqual(['work/a/1', 'work/a/10']);
  });

  it('leaves no partial object when the source stream fails mid-way', async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(1000, 1));
        this.destroy(new Error('client went away'));
      },
    });
    await expect(store.put('originals/half', failing)).rejects.toThrow('client went away');
    expect(await store.head('originals/half')).toBeNull();
    expect(await readdir(path.join(tmp.dir, '.tmp'))).toEqual([]);
  });

  it('concurrent writers of one key leave one whole object', async () => {
    const a = Buffer.alloc(200_000, 'a');
    const b = Buffer.alloc(300_000, 'b');
    await Promise.all([store.put('k', a), store.put('k', b)]);
    const got = await store.getBuffer('k');
    expect([sha256(a), sha256(b)]).toContain(sha256(got));
  });
});
