// ObjectStore on S3 (AWS S3, MinIO, any S3-compatible server) with @aws-sdk/client-s3 and lib-storage.
//
// How a put() keeps "never a half object reported as stored":
// - The body's SHA-256 and size are computed while it streams (a Transform in front of the upload).
// - Bodies up to partSizeBytes are sent in ONE PutObject carrying x-amz-meta-sha256 and x-amz-checksum-sha256 (so real
//   S3/MinIO verify the bytes on arrival). S3 makes a PutObject visible atomically: the old object or the new one.
// - Larger bodies: S3 wants user metadata when the multipart upload is CREATED, before the last byte (and so the
//   hash) is known. They are therefore uploaded with lib-storage `Upload` to a private staging key
//   `<prefix>.tmp/<uuid>` (keys starting with '.tmp' are refused by keySegments, and list() hides them), then
//   CopyObject'd server-side to the final key with x-amz-meta-sha256 (and the Object Lock retention), then the staging
//   object is deleted. The final key thus appears in one atomic step, whole and with its hash. Before the copy, the
//   staging object's size is checked against the bytes hashed. CopyObject is limited to 5 GiB by S3: a larger body is
//   refused as soon as it passes that size.
// - Retries: every HTTP request is retried by the SDK (maxAttempts, retryMode 'standard': exponential backoff with
//   jitter on throttling, 5xx, timeouts, ECONNRESET/ECONNREFUSED). This includes every part of a streamed body,
//   because lib-storage buffers each part. What cannot be replayed is the caller's source stream itself: when a
//   request still fails after its attempts, put() rejects with S3PutError, aborts the multipart upload (its parts are
//   freed) and removes the staging object, so nothing half-written is ever visible under the key. The CALLER (a job)
//   retries the whole put with a fresh stream; jobs are idempotent, so that is safe. If the server is unreachable
//   even for the abort, the parts are left to the bucket's AbortIncompleteMultipartUpload lifecycle rule and staging
//   objects to an expiration rule on '<prefix>.tmp/' (configure both on the bucket): they are never visible through
//   this store.
// - Object Lock (WORM): with `objectLock` set, the final object gets ObjectLockMode + ObjectLockRetainUntilDate
//   (now + days). AWS requires a checksum header on such PutObjects: we always send x-amz-checksum-sha256.
//   Bucket DEFAULT retention would also lock the staging copies of large objects (they could then not be deleted
//   before the retention ends): use this per-object setting rather than a bucket default.
import { createHash, randomUUID } from 'node:crypto';
import { Readable, pipeline } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type ObjectLockMode,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { keySegments } from './fs.store.ts';
import { hashingMeter } from './hash.ts';
import { ObjectNotFoundError, type ObjectInfo, type ObjectStore } from './object-store.ts';
import { parseS3Options, type S3Options, type S3OptionsInput } from './s3.options.ts';

/** Name of the user-metadata entry holding the hex SHA-256 of the object (header x-amz-meta-sha256). */
export const SHA256_METADATA = 'sha256';
const STAGING_DIR = '.tmp';
const MAX_COPY_BYTES = 5 * 1024 ** 3;

/** A put() that did not store the object. Nothing half-written is visible under `key`; retry with a fresh stream. */
export class S3PutError extends Error {
  constructor(
    readonly key: string,
    message: string,
    options: { cause?: unknown },
  ) {
    super(`S3 put of ${JSON.stringify(key)} failed: ${message}`, options);
    this.name = 'S3PutError';
  }
}

type Logger = { warn: (obj: object, msg: string) => void };

export class S3ObjectStore implements ObjectStore {
  readonly client: S3Client;
  readonly options: S3Options;
  private readonly log: Logger | undefined;

  constructor(options: S3Options, deps: { client?: S3Client; logger?: Logger } = {}) {
    this.options = options;
    this.log = deps.logger;
    this.client =
      deps.client ??
      new S3Client({
        region: options.region,
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        forcePathStyle: options.forcePathStyle,
        ...(options.accessKeyId && options.secretAccessKey
          ? { credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey } }
          : {}),
        maxAttempts: options.maxAttempts,
        retryMode: 'standard',
        // Without these a streamed body is sent aws-chunked with a trailing checksum, which some S3-compatible
        // servers (s3rver) store verbatim inside the object: silent corruption (see NOTES.md).
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
        requestHandler: {
          connectionTimeout: options.connectionTimeoutMs,
          socketTimeout: options.socketTimeoutMs,
        },
      });
  }

  private objectKey(key: string): string {
    keySegments(key); // throws InvalidKeyError
    return this.options.prefix + key;
  }

  private lockParams(): { ObjectLockMode?: ObjectLockMode; ObjectLockRetainUntilDate?: Date } {
    const lock = this.options.objectLock;
    if (!lock) return {};
    return {
      ObjectLockMode: lock.mode,
      ObjectLockRetainUntilDate: new Date(Date.now() + lock.days * 86_400_000),
    };
  }

  async put(
    key: string,
    body: Readable | Buffer | Uint8Array,
    opts: { contentType?: string } = {},
  ): Promise<ObjectInfo> {
    const objectKey = this.objectKey(key);
    const partSize = this.options.partSizeBytes;
    if (!(body instanceof Readable)) {
      const buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
      if (buf.length <= partSize) {
        return this.putSingle(key, objectKey, buf, createHash('sha256').update(buf).digest('hex'), opts.contentType);
      }
      return this.putStream(key, objectKey, Readable.from(bufferChunks(buf, partSize)), opts.contentType);
    }
    return this.putStream(key, objectKey, body, opts.contentType);
  }

  private async putSingle(
    key: string,
    objectKey: string,
    buf: Buffer,
    sha: string,
    contentType: string | undefined,
  ): Promise<ObjectInfo> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.options.bucket,
          Key: objectKey,
          Body: buf,
          ContentLength: buf.length,
          ...(contentType ? { ContentType: contentType } : {}),
          Metadata: { [SHA256_METADATA]: sha },
          ChecksumSHA256: Buffer.from(sha, 'hex').toString('base64'),
          ...this.lockParams(),
        }),
      );
    } catch (err) {
      throw new S3PutError(key, `${describe(err)}; the object was not stored`, { cause: err });
    }
    return { key, size: buf.length, sha256: sha, modified: new Date() };
  }

  private async putStream(
    key: string,
    objectKey: string,
    source: Readable,
    contentType: string | undefined,
  ): Promise<ObjectInfo> {
    const { meter, digest, size } = hashingMeter();
    // pipeline() forwards a source error to the meter (and so to whoever reads it) and destroys both on failure.
    pipeline(source, meter, () => {});
    const chunks = meter[Symbol.asyncIterator]() as AsyncIterator<Buffer>;

    // Read ahead up to one part: small bodies go in one PutObject whose metadata can carry the hash.
    const head: Buffer[] = [];
    let headBytes = 0;
    let ended = false;
    try {
      while (headBytes <= this.options.partSizeBytes) {
        const next = await chunks.next();
        if (next.done) {
          ended = true;
          break;
        }
        head.push(next.value);
        headBytes += next.value.length;
      }
    } catch (err) {
      source.destroy();
      throw new S3PutError(key, `reading the body failed: ${describe(err)}; nothing was stored`, { cause: err });
    }
    if (ended) return this.putSingle(key, objectKey, Buffer.concat(head), digest(), contentType);

    const body = Readable.from(
      (async function* () {
        try {
          yield* head.splice(0);
          for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
            // Fail early rather than after uploading it all: publishing goes through one CopyObject (≤ 5 GiB).
            if (size() > MAX_COPY_BYTES)
              throw new Error(`body larger than ${MAX_COPY_BYTES} bytes (S3 CopyObject limit)`);
            yield next.value;
          }
        } finally {
          if (!meter.readableEnded) meter.destroy();
        }
      })(),
    );
    return this.putMultipart(key, objectKey, body, source, contentType, () => ({ sha: digest(), size: size() }));
  }

  private async putMultipart(
    key: string,
    objectKey: string,
    body: Readable,
    source: Readable,
    contentType: string | undefined,
    digest: () => { sha: string; size: number },
  ): Promise<ObjectInfo> {
    const { bucket, prefix } = this.options;
    const stagingKey = `${prefix}${STAGING_DIR}/${randomUUID()}`;
    const upload = new Upload({
      client: this.client,
      params: { Bucket: bucket, Key: stagingKey, Body: body },
      partSize: this.options.partSizeBytes,
      queueSize: this.options.queueSize,
      leavePartsOnError: true, // we abort ourselves, so that a failed abort cannot hide the original error
    });
    let stagingVersion: string | undefined;
    try {
      const done = await upload.done();
      stagingVersion = done.VersionId;
    } catch (err) {
      body.destroy();
      source.destroy();
      let detail = upload.uploadId
        ? `multipart upload ${upload.uploadId} aborted`
        : 'no multipart upload had been started';
      if (upload.uploadId) {
        try {
          await this.client.send(
            new AbortMultipartUploadCommand({ Bucket: bucket, Key: stagingKey, UploadId: upload.uploadId }),
          );
        } catch (abortErr) {
          detail =
            `the multipart upload ${upload.uploadId} could not be aborted (${describe(abortErr)}); its parts are ` +
            'invisible and will be removed by the AbortIncompleteMultipartUpload lifecycle rule';
        }
      }
      // A CompleteMultipartUpload whose answer was lost may have created the staging object: remove it too.
      await this.removeStaging(stagingKey, undefined);
      throw new S3PutError(
        key,
        `${describe(err)}; nothing was stored under the key (${detail}). Retry with a fresh stream`,
        {
          cause: err,
        },
      );
    }

    const { sha, size } = digest();
    try {
      // Cheap guard against a part lost between the stream and the server (the upload cannot know the expected
      // total of a stream): the assembled staging object must have exactly the bytes we hashed.
      const staged = await this.client.send(
        new HeadObjectCommand({
          Bucket: bucket,
          Key: stagingKey,
          ...(stagingVersion ? { VersionId: stagingVersion } : {}),
        }),
      );
      if (staged.ContentLength !== size) {
        throw new Error(`the assembled upload has ${staged.ContentLength} bytes, the body had ${size}`);
      }
      const copied = await this.client.send(
        new CopyObjectCommand({
          Bucket: bucket,
          Key: objectKey,
          CopySource: `${bucket}/${encodeKeyForCopySource(stagingKey)}${stagingVersion ? `?versionId=${stagingVersion}` : ''}`,
          MetadataDirective: 'REPLACE',
          Metadata: { [SHA256_METADATA]: sha },
          ...(contentType ? { ContentType: contentType } : {}),
          ...this.lockParams(),
        }),
      );
      return { key, size, sha256: sha, modified: copied.CopyObjectResult?.LastModified ?? new Date() };
    } catch (err) {
      throw new S3PutError(key, `publishing the uploaded object failed: ${describe(err)}; the key was not changed`, {
        cause: err,
      });
    } finally {
      await this.removeStaging(stagingKey, stagingVersion);
    }
  }

  private async removeStaging(stagingKey: string, versionId: string | undefined): Promise<void> {
    try {
      await this.client.send(
        new DeleteObjectCommand({
          Bucket: this.options.bucket,
          Key: stagingKey,
          ...(versionId ? { VersionId: versionId } : {}),
        }),
      );
    } catch (err) {
      this.log?.warn(
        { stagingKey, err: describe(err) },
        'could not delete a staging object; an expiration rule on the staging prefix will',
      );
    }
  }

  async get(key: string): Promise<Readable> {
    const objectKey = this.objectKey(key);
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: objectKey }));
      if (!(res.Body instanceof Readable)) throw new Error('S3 GetObject returned no Node.js stream');
      return res.Body;
    } catch (err) {
      if (isNotFound(err)) throw new ObjectNotFoundError(key);
      throw err;
    }
  }

  async getBuffer(key: string): Promise<Buffer> {
    const stream = await this.get(key);
    const parts: Buffer[] = [];
    for await (const chunk of stream) parts.push(chunk as Buffer);
    return Buffer.concat(parts);
  }

  async head(key: string): Promise<ObjectInfo | null> {
    const objectKey = this.objectKey(key);
    const { bucket } = this.options;
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: objectKey }));
      const sha = res.Metadata?.[SHA256_METADATA];
      if (sha && /^[0-9a-f]{64}$/.test(sha)) {
        return { key, size: res.ContentLength ?? 0, sha256: sha, modified: res.LastModified ?? new Date(0) };
      }
      // A foreign object (written by another tool): hash it by reading it, from the same response as its size.
      const got = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: objectKey }));
      if (!(got.Body instanceof Readable)) throw new Error('S3 GetObject returned no Node.js stream');
      const h = createHash('sha256');
      let size = 0;
      for await (const chunk of got.Body) {
        h.update(chunk as Buffer);
        size += (chunk as Buffer).length;
      }
      return { key, size, sha256: h.digest('hex'), modified: got.LastModified ?? new Date(0) };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async *list(prefix: string): AsyncIterable<string> {
    const { bucket, prefix: root, listPageSize } = this.options;
    const staging = `${STAGING_DIR}/`;
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: root + prefix,
          MaxKeys: listPageSize,
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      for (const obj of page.Contents ?? []) {
        if (!obj.Key?.startsWith(root)) continue;
        const key = obj.Key.slice(root.length);
        if (key.startsWith(staging)) continue;
        yield key;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async delete(key: string): Promise<void> {
    // S3 answers 204 for a missing key as well.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.objectKey(key) }));
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

export function createS3ObjectStore(
  input: S3OptionsInput,
  deps: { client?: S3Client; logger?: Logger } = {},
): S3ObjectStore {
  return new S3ObjectStore(parseS3Options(input), deps);
}

function* bufferChunks(buf: Buffer, size: number): Generator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

function encodeKeyForCopySource(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const e = err as Error & { code?: string; $metadata?: { attempts?: number; httpStatusCode?: number } };
  const bits = [
    e.name !== 'Error' ? e.name : undefined,
    e.code,
    e.$metadata?.httpStatusCode && `HTTP ${e.$metadata.httpStatusCode}`,
  ]
    .filter(Boolean)
    .join(', ');
  const attempts = e.$metadata?.attempts ? ` after ${e.$metadata.attempts} attempt(s)` : '';
  return `${e.message || e.name}${bits ? ` (${bits})` : ''}${attempts}`;
}
