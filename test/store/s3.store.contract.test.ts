// The ObjectStore contract against the S3 adapter (s3rver in-process), plus what only the S3 adapter has.
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createS3ObjectStore, S3ObjectStore, S3PutError } from '../../src/store/s3.store.ts';
import { parseS3Options } from '../../src/store/s3.options.ts';
import { sha256 } from '../../src/store/hash.ts';
import { startS3rver, S3RVER_CREDENTIALS, type S3rverHandle } from '../helpers/s3rver.ts';
import { deterministicBytes, deterministicStream, objectStoreContract } from './object-store.contract.ts';

const MiB = 1024 * 1024;

function storeFor(srv: S3rverHandle, extra: Partial<Parameters<typeof createS3ObjectStore>[0]> = {}): S3ObjectStore {
  return createS3ObjectStore({
    endpoint: srv.endpoint,
    bucket: srv.bucket,
    forcePathStyle: true,
    ...S3RVER_CREDENTIALS,
    prefix: 'faldone/',
    maxAttempts: 3,
    ...extra,
  });
}

objectStoreContract('s3 (s3rver)', async () => {
  const srv = await startS3rver();
  const store = storeFor(srv);
  return {
    store,
    stopServer: srv.stop,
    startServer: srv.start,
    cleanup: async () => {
      await store.close();
      await srv.cleanup();
    },
  };
});

describe('S3 adapter specifics', () => {
  let srv: S3rverHandle;
  let raw: S3Client;
  beforeAll(async () => {
    srv = await startS3rver('faldone-specifics');
    raw = new S3Client({
      endpoint: srv.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: S3RVER_CREDENTIALS,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  });
  afterAll(async () => {
    raw?.destroy();
    await srv?.cleanup();
  });

  async function rawKeys(prefix = ''): Promise<string[]> {
    const res = await raw.send(new ListObjectsV2Command({ Bucket: srv.bucket, Prefix: prefix }));
    return (res.Contents ?? []).map((o) => o.Key ?? '');
  }

  it('stores keys under the prefix with x-amz-meta-sha256, leaves no staging object, and list() strips the prefix', async () => {
    const store = storeFor(srv, { prefix: 'p1/' });
    const small = Buffer.from('small');
    const big = await deterministicBytes(11 * MiB, 2);
    await store.put('a/small', small);
    await store.put('a/big', Readable.from([big]));
    await raw.send(new PutObjectCommand({ Bucket: srv.bucket, Key: 'outside/x', Body: 'not ours' }));

    expect(await rawKeys('p1/')).toEqual(['p1/a/big', 'p1/a/small']);
    const got = await raw.send(new GetObjectCommand({ Bucket: srv.bucket, Key: 'p1/a/big' }));
    expect(got.Metadata?.sha256).toBe(sha256(big));
    expect(sha256(Buffer.from(await got.Body!.transformToByteArray()))).toBe(sha256(big)); // no aws-chunked framing
    const keys: string[] = [];
    for await (const k of store.list('')) keys.push(k);
    expect(keys).toEqual(['a/big', 'a/small']);
    await store.close();
  });

  it('head() of a foreign object without sha256 metadata computes the hash by reading it', async () => {
    const store = storeFor(srv, { prefix: 'p2/' });
    const body = Buffer.from('written by another tool');
    await raw.send(new PutObjectCommand({ Bucket: srv.bucket, Key: 'p2/foreign', Body: body }));
    expect(await store.head('foreign')).toMatchObject({ key: 'foreign', size: body.length, sha256: sha256(body) });
    await store.close();
  });

  it('sends the Object Lock retention with every object it publishes (s3rver ignores it: we check the requests)', async () => {
    const store = storeFor(srv, { prefix: 'p3/', objectLock: { mode: 'COMPLIANCE', days: 3650 } });
    const seen: { op: string; headers: Record<string, string> }[] = [];
    store.client.middlewareStack.add(
      (next, context) => async (args) => {
        const req = args.request as { headers?: Record<string, string> };
        seen.push({ op: String(context.commandName), headers: { ...(req.headers ?? {}) } });
        return next(args);
      },
      { step: 'finalizeRequest', name: 'captureHeaders' },
    );
    const t0 = Date.now();
    await store.put('locked/small', Buffer.from('worm'));
    await store.put('locked/big', deterministicStream(12 * MiB).stream);
    const publishing = seen.filter((s) => s.op === 'PutObjectCommand' || s.op === 'CopyObjectCommand');
    expect(publishing.map((s) => s.op)).toEqual(['PutObjectCommand', 'CopyObjectCommand']);
    for (const { headers } of publishing) {
      expect(headers['x-amz-object-lock-mode']).toBe('COMPLIANCE');
      const until = Date.parse(headers['x-amz-object-lock-retain-until-date'] ?? '');
      expect(until - t0).toBeGreaterThan(3649 * 86_400_000);
      expect(until - t0).toBeLessThan(3651 * 86_400_000);
    }
    // AWS refuses a locked PutObject without a checksum header; the staging upload carries no lock at all.
    expect(publishing[0]?.headers['x-amz-checksum-sha256']).toBe(
      Buffer.from(sha256(Buffer.from('worm')), 'hex').toString('base64'),
    );
    const staging = seen.filter((s) => s.op === 'CreateMultipartUploadCommand' || s.op === 'UploadPartCommand');
    expect(staging.length).toBeGreaterThan(1);
    expect(staging.every((s) => !('x-amz-object-lock-mode' in s.headers))).toBe(true);
    await store.close();
  });

  it('retries a request that hits a transient network error, and stores the object whole', async () => {
    const store = storeFor(srv, { prefix: 'p5/' });
    const failed: string[] = [];
    store.client.middlewareStack.add(
      (next, context) => async (args) => {
        const op = String(context.commandName);
        const query = (args.request as { query?: Record<string, string> }).query ?? {};
        const tag = `${op}#${query['partNumber'] ?? ''}`;
        if (
          (tag === 'UploadPartCommand#2' || op === 'PutObjectCommand' || op === 'CopyObjectCommand') &&
          !failed.includes(tag)
        ) {
          failed.push(tag);
          throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
        }
        return next(args);
      },
      { step: 'finalizeRequest', name: 'injectTransientFailure', priority: 'low' },
    );
    const small = Buffer.from('retried');
    const big = deterministicStream(19 * MiB, { seed: 9 });
    expect((await store.put('small', small)).sha256).toBe(sha256(small));
    expect((await store.put('big', big.stream)).sha256).toBe(big.sha256());
    expect(failed.sort()).toEqual(['CopyObjectCommand#', 'PutObjectCommand#', 'UploadPartCommand#2']);
    expect(sha256(await store.getBuffer('small'))).toBe(sha256(small));
    expect(sha256(await store.getBuffer('big'))).toBe(big.sha256());
    expect(await store.head('big')).toMatchObject({ size: 19 * MiB, sha256: big.sha256() });
    await store.close();
  });

  it('when publishing a large upload fails, the key keeps its previous object and the staging copy is removed', async () => {
    const store = storeFor(srv, { prefix: 'p6/' });
    await store.put('doc', Buffer.from('v1'));
    store.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'CopyObjectCommand')
          throw Object.assign(new Error('Access Denied'), { name: 'AccessDenied' });
        return next(args);
      },
      { step: 'finalizeRequest', name: 'denyCopy', priority: 'low' },
    );
    const err = await store.put('doc', deterministicStream(12 * MiB).stream).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(S3PutError);
    expect(String(err)).toMatch(/publishing the uploaded object failed: Access Denied.*the key was not changed/);
    expect((await store.getBuffer('doc')).toString()).toBe('v1');
    expect(await rawKeys('p6/')).toEqual(['p6/doc']); // no '.tmp/' staging object left behind
    await store.close();
  });

  it('a server that accepts connections but never answers fails the put within a bounded time', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((sock) => {
      sockets.add(sock); // read nothing, answer nothing
      sock.on('close', () => sockets.delete(sock));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const store = createS3ObjectStore({
      endpoint: `http://127.0.0.1:${port}`,
      bucket: 'hung',
      forcePathStyle: true,
      ...S3RVER_CREDENTIALS,
      maxAttempts: 2,
      socketTimeoutMs: 400,
    });
    try {
      const t0 = performance.now();
      await expect(store.put('x', Buffer.from('x'))).rejects.toBeInstanceOf(S3PutError);
      await expect(store.put('y', deterministicStream(10 * MiB).stream)).rejects.toBeInstanceOf(S3PutError);
      expect(performance.now() - t0).toBeLessThan(10_000);
    } finally {
      await store.close();
      for (const sock of sockets) sock.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('a failed streamed put says what happened and that the caller must retry', async () => {
    const store = storeFor(srv, { prefix: 'p4/' });
    const err = await store
      .put('x', deterministicStream(20 * MiB, { failAfter: 12 * MiB }).stream)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(S3PutError);
    expect(String(err)).toMatch(
      /S3 put of "x" failed: .*source failed mid-way.*nothing was stored.*Retry with a fresh stream/s,
    );
    expect(await rawKeys('p4/')).toEqual([]);
    await store.close();
  });

  it('validates its options', () => {
    expect(() => parseS3Options({ bucket: 'ok-bucket', prefix: 'no-trailing-slash' })).toThrow(/prefix/);
    expect(() => parseS3Options({ bucket: 'ok-bucket', prefix: '../x/' })).toThrow(/prefix/);
    expect(() => parseS3Options({ bucket: 'ok-bucket', accessKeyId: 'only-one' })).toThrow(/together/);
    expect(() => parseS3Options({ bucket: 'Bad_Bucket' })).toThrow();
    expect(() => parseS3Options({ bucket: 'ok-bucket', partSizeBytes: 1024 })).toThrow();
    const o = parseS3Options({
      bucket: 'ok-bucket',
      forcePathStyle: 'true',
      maxAttempts: '7',
      objectLock: { mode: 'GOVERNANCE', days: '30' },
    });
    expect(o).toMatchObject({
      forcePathStyle: true,
      maxAttempts: 7,
      prefix: '',
      region: 'us-east-1',
      objectLock: { days: 30 },
    });
  });
});
