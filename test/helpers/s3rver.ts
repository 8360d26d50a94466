// s3rver (an S3 protocol fake on the local filesystem) in-process, on an ephemeral port, with a temp directory.
// stop() simulates a crash (every open connection is cut, requests in flight fail); start() brings the same data back
// on the same port.
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeTmpDir } from './tmp-dir.ts';

interface S3rverInstance {
  middleware: KoaMiddleware[];
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  httpServer?: Server;
  store: FilesystemStore;
}
type KoaMiddleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;
interface KoaContext {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  body: unknown;
}
interface FilesystemStore {
  listObjects(bucket: string, options: ListOptions): Promise<ListResult>;
  getResourcePath(bucket: string, key: string, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: Record<string, unknown>, md5?: string): Promise<void>;
  putObject(object: {
    bucket: string;
    key: string;
    content: Readable | Buffer;
    metadata: Record<string, unknown>;
  }): Promise<{ size: number; md5: string }>;
  copyObject(
    srcBucket: string,
    srcKey: string,
    destBucket: string,
    destKey: string,
    replacement: unknown,
  ): Promise<unknown>;
  deleteObject(bucket: string, key: string): Promise<void>;
}
type S3rverCtor = new (options: Record<string, unknown>) => S3rverInstance;
interface ListOptions {
  delimiter?: string;
  startAfter?: string;
  prefix?: string;
  maxKeys?: number;
}
interface ListResult {
  objects: { key: string; size: number; lastModifiedDate: Date; metadata: Record<string, string> }[];
  commonPrefixes: string[];
  isTruncated: boolean;
}

const require = createRequire(import.meta.url);
const S3rver = require('s3rver') as S3rverCtor;

export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface S3rverHandle {
  endpoint: string;
  bucket: string;
  directory: string;
  /** Cut every connection and close the port, as if the server crashed. */
  stop(): Promise<void>;
  /** Start again on the same port with the same data. */
  start(): Promise<void>;
  /** Stop (if running) and delete the data directory. */
  cleanup(): Promise<void>;
}

export async function startS3rver(
  bucket = 'faldone-test',
  opts: { sortListings?: boolean; atomicWrites?: boolean } = {},
): Promise<S3rverHandle> {
  const tmp = await makeTmpDir('faldone-s3rver-');
  let port = 0;
  let server: S3rverInstance | undefined;

  async function start(): Promise<void> {
    if (server) return;
    const s = new S3rver({
      address: '127.0.0.1',
      port,
      directory: tmp.dir,
      silent: true,
      configureBuckets: [{ name: bucket }],
    });
    if (opts.atomicWrites !== false) atomicWrites(s);
    if (opts.sortListings !== false) {
      sortListings(s);
      serveListV2(s);
    }
    const addr = await s.run();
    port = addr.port;
    server = s;
  }

  async function stop(): Promise<void> {
    const s = server;
    if (!s) return;
    server = undefined;
    const closed = s.close();
    s.httpServer?.closeAllConnections();
    await closed;
  }

  await start();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    directory: tmp.dir,
    stop,
    start,
    async cleanup() {
      await stop();
      await tmp.cleanup();
    },
  };
}

/**
 * s3rver writes an object IN PLACE: a PUT streams the request body straight into the object's file, and writes its
 * metadata file afterwards. So two concurrent PUTs of one key interleave their bytes, a client that disconnects
 * mid-PUT leaves a truncated object that is then served as if whole, and bytes and metadata of two writers can mix.
 * Real S3 and MinIO make a PUT, a CompleteMultipartUpload and a CopyObject visible atomically (last writer wins,
 * bytes and metadata together). Make the fake honour that: the body goes to a unique temporary file (never listed:
 * it does not end in '._S3rver_object'), and the rename plus the metadata write happen under a per-key lock; copies
 * and deletes take the same lock.
 */
function atomicWrites(s: S3rverInstance): void {
  const store = s.store;
  const locks = new Map<string, Promise<unknown>>();
  const withKeyLock = async <T>(bucket: string, key: string, fn: () => Promise<T>): Promise<T> => {
    const id = `${bucket}/${key}`;
    const prev = locks.get(id) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => {});
    locks.set(id, tail);
    void tail.then(() => {
      if (locks.get(id) === tail) locks.delete(id);
    });
    return run;
  };
  const originalCopy = store.copyObject.bind(store);
  const originalDelete = store.deleteObject.bind(store);

  store.putObject = async (object) => {
    const objectPath = store.getResourcePath(object.bucket, object.key, 'object');
    await mkdir(path.dirname(objectPath), { recursive: true });
    const tmp = `${objectPath}.${randomUUID()}.partial`;
    const md5 = createHash('md5');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        md5.update(chunk);
        size += chunk.length;
        cb(null, chunk);
      },
    });
    const source = Buffer.isBuffer(object.content) ? Readable.from([object.content]) : object.content;
    try {
      await pipeline(source, meter, createWriteStream(tmp)); // a disconnected client rejects here
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    const digest = md5.digest('hex');
    await withKeyLock(object.bucket, object.key, async () => {
      await rename(tmp, objectPath);
      await store.putMetadata(object.bucket, object.key, object.metadata, digest);
    });
    return { size, md5: digest };
  };
  store.copyObject = (srcBucket, srcKey, destBucket, destKey, replacement) =>
    withKeyLock(destBucket, destKey, () => originalCopy(srcBucket, srcKey, destBucket, destKey, replacement));
  store.deleteObject = (bucket, key) => withKeyLock(bucket, key, () => originalDelete(bucket, key));
}

/**
 * s3rver 3.7 encrypts ListObjectsV2 continuation tokens with DES, which the OpenSSL 3 of Node >= 17 refuses
 * (ERR_OSSL_EVP_UNSUPPORTED → HTTP 500 on the second page). Answer ListObjectsV2 ourselves, with the token being the
 * base64url of the last key returned. (Signatures of these requests are not checked.)
 */
function serveListV2(s: S3rverInstance): void {
  const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
  const handler: KoaMiddleware = async (ctx, next) => {
    const m = /^\/([^/]+)\/?$/.exec(ctx.path);
    if (ctx.method !== 'GET' || !m?.[1] || first(ctx.query['list-type']) !== '2') return next();
    const bucketName = decodeURIComponent(m[1]);
    const prefix = first(ctx.query.prefix) ?? '';
    const delimiter = first(ctx.query.delimiter) ?? '';
    const maxKeys = Math.min(1000, Number(first(ctx.query['max-keys']) ?? 1000));
    const token = first(ctx.query['continuation-token']);
    const startAfter = token
      ? Buffer.from(token, 'base64url').toString('utf8')
      : (first(ctx.query['start-after']) ?? '');
    const result = await s.store.listObjects(bucketName, { prefix, delimiter, startAfter, maxKeys });
    const last = result.objects.at(-1)?.key;
    ctx.body = {
      ListBucketResult: {
        '@': { xmlns: 'http://doc.s3.amazonaws.com/2006-03-01/' },
        Name: bucketName,
        Prefix: prefix,
        ContinuationToken: token,
        NextContinuationToken: result.isTruncated && last ? Buffer.from(last, 'utf8').toString('base64url') : undefined,
        KeyCount: result.objects.length,
        MaxKeys: maxKeys,
        Delimiter: delimiter || undefined,
        IsTruncated: result.isTruncated,
        Contents: result.objects.map((o) => ({
          Key: o.key,
          LastModified: o.lastModifiedDate.toISOString(),
          ETag: o.metadata['etag'],
          Size: o.size,
          StorageClass: 'STANDARD',
        })),
        CommonPrefixes: result.commonPrefixes.map((p) => ({ Prefix: p })),
      },
    };
  };
  // Just before the router (the XML encoder earlier in the chain turns ctx.body into XML).
  s.middleware.splice(s.middleware.length - 1, 0, handler);
}

/**
 * s3rver lists keys in the order of a directory walk over '<name>._S3rver_object' files, which is not S3's order when
 * keys contain characters below '/' (e.g. 'a/1' comes before 'a-b'), and it pages with "start after the last key
 * returned", which then skips keys. Real S3 and MinIO return keys in UTF-8 binary order. Make the fake honour that:
 * list everything under the prefix, sort, then apply startAfter/maxKeys/delimiter.
 */
function sortListings(s: S3rverInstance): void {
  const original = s.store.listObjects.bind(s.store);
  s.store.listObjects = async (bucketName, options) => {
    const { startAfter = '', maxKeys = Infinity, delimiter = '', prefix = '' } = options;
    const all = await original(bucketName, { prefix, delimiter: '' });
    const objects = all.objects
      .filter((o) => o.key > startAfter)
      .sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
    const out: typeof objects = [];
    const commonPrefixes = new Set<string>();
    let isTruncated = false;
    for (const o of objects) {
      if (delimiter) {
        const idx = o.key.slice(prefix.length).indexOf(delimiter);
        if (idx !== -1) {
          commonPrefixes.add(o.key.slice(0, prefix.length + idx + 1));
          continue;
        }
      }
      if (out.length >= maxKeys) {
        isTruncated = true;
        break;
      }
      out.push(o);
    }
    return { objects: out, commonPrefixes: [...commonPrefixes], isTruncated };
  };
}
