// Round-trip bench of the ObjectStore adapters: a deterministic stream of N MB is put, read back and hashed.
//   npx tsx bench/store-roundtrip.ts [--mb 200] [--adapter fs|s3|both]
// The S3 adapter runs against s3rver in this same process (its work is included in time and RSS); against MinIO or
// AWS set S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY (and S3_REGION) instead.
import { parseArgs } from 'node:util';
import { FsObjectStore } from '../src/store/fs.store.ts';
import { sha256OfStream } from '../src/store/hash.ts';
import type { ObjectStore } from '../src/store/object-store.ts';
import { createS3ObjectStore } from '../src/store/s3.store.ts';
import { startS3rver, S3RVER_CREDENTIALS } from '../test/helpers/s3rver.ts';
import { makeTmpDir } from '../test/helpers/tmp-dir.ts';
import { deterministicStream } from '../test/store/object-store.contract.ts';

const MiB = 1024 * 1024;
const { values } = parseArgs({
  options: { mb: { type: 'string', default: '200' }, adapter: { type: 'string', default: 'both' } },
});
const bytes = Number(values.mb) * MiB;

async function bench(name: string, store: ObjectStore): Promise<void> {
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
  const src = deterministicStream(bytes, { seed: 1 });
  const t0 = performance.now();
  const info = await store.put('bench/roundtrip.bin', src.stream);
  const t1 = performance.now();
  const back = await sha256OfStream(await store.get('bench/roundtrip.bin'));
  const t2 = performance.now();
  clearInterval(timer);
  const ok = info.sha256 === src.sha256() && back === src.sha256() && info.size === bytes;
  const mbps = (ms: number) => (bytes / MiB / (ms / 1000)).toFixed(0);
  console.log(
    `${name.padEnd(14)} ${values.mb} MB  put ${((t1 - t0) / 1000).toFixed(2)} s (${mbps(t1 - t0)} MB/s)  ` +
      `get ${((t2 - t1) / 1000).toFixed(2)} s (${mbps(t2 - t1)} MB/s)  peak RSS +${((peak - base) / MiB).toFixed(0)} MB  ` +
      `sha256 ${ok ? 'ok' : 'MISMATCH'}`,
  );
  await store.delete('bench/roundtrip.bin');
  if (!ok) process.exitCode = 1;
}

if (values.adapter === 'fs' || values.adapter === 'both') {
  const tmp = await makeTmpDir('faldone-bench-');
  await bench('fs', new FsObjectStore(tmp.dir));
  await tmp.cleanup();
}
if (values.adapter === 's3' || values.adapter === 'both') {
  if (process.env.S3_ENDPOINT) {
    const store = createS3ObjectStore({
      endpoint: process.env.S3_ENDPOINT,
      bucket: process.env.S3_BUCKET ?? 'faldone',
      region: process.env.S3_REGION ?? 'us-east-1',
      accessKeyId: process.env.S3_ACCESS_KEY_ID,
      secretAccessKey: process.env.S3_SECRET_ACCESS_KEY,
      forcePathStyle: true,
      prefix: 'faldone-bench/',
    });
    await bench('s3 (endpoint)', store);
    await store.close();
  } else {
    const srv = await startS3rver('faldone-bench');
    const store = createS3ObjectStore({
      endpoint: srv.endpoint,
      bucket: srv.bucket,
      forcePathStyle: true,
      ...S3RVER_CREDENTIALS,
    });
    await bench('s3 (s3rver)', store);
    await store.close();
    await srv.cleanup();
  }
}
