// Runs s3rver (test/helpers/s3rver.ts) as a process of its own, for benches that must not count the S3 fake's CPU as
// their own or let it compete with their sampling loop. Prints one JSON line {endpoint, bucket, directory} on stdout
// when it listens; SIGTERM or SIGINT stops it and deletes its data directory.
//
//   npx tsx bench/lib/s3rver.serve.ts <bucket>
import { startS3rver } from '../../test/helpers/s3rver.ts';

const bucket = process.argv[2] ?? 'faldone-bench';
const srv = await startS3rver(bucket);
process.stdout.write(`${JSON.stringify({ endpoint: srv.endpoint, bucket: srv.bucket, directory: srv.directory })}\n`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  srv.cleanup().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
