// MinIO bucket notifications for the inbox: when the store is MinIO, an ObjectCreated event under the inbox prefix
// triggers a poll at once instead of waiting for the next tick. The listing poll stays the reconciler (events can be
// lost across restarts), so this only shortens the delay.
import * as Minio from 'minio';
import type { Logger } from '../core/logger.ts';
import type { S3Options } from '../store/s3.options.ts';

export interface InboxNotifier {
  stop(): void;
}

export function listenForInboxUploads(s3: S3Options, inboxPrefix: string, onUpload: () => void, logger: Logger): InboxNotifier {
  if (!s3.endpoint) throw new Error('MinIO notifications need store.s3.endpoint');
  const url = new URL(s3.endpoint);
  const client = new Minio.Client({
    endPoint: url.hostname,
    port: url.port ? Number(url.port) : undefined,
    useSSL: url.protocol === 'https:',
    accessKey: s3.accessKeyId ?? '',
    secretKey: s3.secretAccessKey ?? '',
    region: s3.region,
    pathStyle: s3.forcePathStyle,
  });
  const poller = client.listenBucketNotification(s3.bucket, `${s3.prefix}${inboxPrefix}`, '', ['s3:ObjectCreated:*']);
  poller.on('notification', (record) => {
    logger.debug({ key: (record as { s3?: { object?: { key?: string } } }).s3?.object?.key }, 'inbox upload notified');
    onUpload();
  });
  poller.on('error', (err) => logger.warn({ err }, 'MinIO notification stream error; the listing poll continues'));
  return { stop: () => poller.stop() };
}
