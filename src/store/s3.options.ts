// Settings of the S3 ObjectStore adapter (AWS S3, MinIO, any S3-compatible server), validated with zod.
import { z } from 'zod';
import { keySegments } from './fs.store.ts';

const int = z.coerce.number().int();
const bool = z.union([z.boolean(), z.stringbool()]);

const MiB = 1024 * 1024;

export const s3OptionsSchema = z
  .object({
    /** e.g. http://minio:9000; omit for AWS (the endpoint is derived from the region). */
    endpoint: z.url().optional(),
    region: z.string().min(1).default('us-east-1'),
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'not a valid S3 bucket name'),
    /** Key prefix inside the bucket, '' or ending with '/', e.g. 'faldone/'. Stripped again by list(). */
    prefix: z
      .string()
      .default('')
      .refine((p) => p === '' || (p.endsWith('/') && isValidKey(p.slice(0, -1))), {
        message: "prefix must be '' or valid key segments ending with '/', e.g. 'faldone/'",
      }),
    /** Static credentials; when both are omitted the SDK's default provider chain is used (env, profile, IMDS…). */
    accessKeyId: z.string().min(1).optional(),
    secretAccessKey: z.string().min(1).optional(),
    /** true for MinIO, s3rver and most on-premises servers (http://host/bucket/key instead of bucket.host). */
    forcePathStyle: bool.default(false),
    /** WORM retention applied to every object written (the bucket must have Object Lock enabled). */
    objectLock: z
      .object({
        mode: z.enum(['GOVERNANCE', 'COMPLIANCE']),
        days: int.min(1).max(36_500),
      })
      .optional(),
    /** Attempts per HTTP request (SDK retryMode 'standard', exponential backoff with jitter). */
    maxAttempts: int.min(1).max(20).default(5),
    /** Multipart part size; bodies up to this size are sent in one PutObject. S3 allows 5 MiB … 5 GiB. */
    partSizeBytes: int
      .min(5 * MiB)
      .max(5 * 1024 * MiB)
      .default(8 * MiB),
    /** Parts uploaded in parallel per put(); memory per streamed put is about (queueSize + 2) × partSizeBytes. */
    queueSize: int.min(1).max(32).default(4),
    /** TCP connect timeout per request. */
    connectionTimeoutMs: int.min(1).default(5_000),
    /**
     * Socket inactivity timeout per request (SDK `socketTimeout`): a server that accepts the connection but stops
     * reading or answering fails the request after this long, and it is retried. Without it a stalled server hangs a
     * put() forever (the SDK's `requestTimeout` alone only logs a warning).
     */
    socketTimeoutMs: int.min(1).default(30_000),
    /** ListObjectsV2 page size (S3 caps it at 1000). */
    listPageSize: int.min(1).max(1000).default(1000),
  })
  .refine((o) => (o.accessKeyId === undefined) === (o.secretAccessKey === undefined), {
    message: 'accessKeyId and secretAccessKey must be given together',
    path: ['secretAccessKey'],
  });

export type S3OptionsInput = z.input<typeof s3OptionsSchema>;
export type S3Options = z.output<typeof s3OptionsSchema>;

export function parseS3Options(input: S3OptionsInput): S3Options {
  return s3OptionsSchema.parse(input);
}

function isValidKey(k: string): boolean {
  try {
    keySegments(k);
    return true;
  } catch {
    return false;
  }
}
