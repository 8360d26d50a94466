import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { createLogger } from '../../src/core/logger.ts';
import { loadConfig } from '../../src/core/config.ts';

describe('logs', () => {
  it('are JSON lines with correlation ids and never carry secrets', async () => {
    const out = new PassThrough();
    const lines: string[] = [];
    out.on('data', (d: Buffer) => lines.push(...d.toString().trim().split('\n')));
    const config = loadConfig({
      env: { STORE_DRIVER: 's3', S3_BUCKET: 'faldone', S3_ACCESS_KEY_ID: 'AKIA', S3_SECRET_ACCESS_KEY: 'segretissimo', DATABASE_URL: 'postgres://faldone:pgsegreto@db:5432/faldone' },
      cwd: '/srv',
    });
    const log = createLogger('info', 'faldone', out).child({ batchId: 'b1', documentId: 'd1', jobId: 'j1' });
    log.info({ config, req: { headers: { authorization: 'Bearer abc', cookie: 'sid=1' } } }, 'avvio');
    await new Promise((r) => setImmediate(r));
    const entry = JSON.parse(lines[0]!);
    expect(entry).toMatchObject({ batchId: 'b1', documentId: 'd1', jobId: 'j1', msg: 'avvio' });
    const text = lines.join('\n');
    expect(text).not.toContain('segretissimo');
    expect(text).not.toContain('Bearer abc');
    expect(text).not.toContain('sid=1');
    expect(text).not.toContain('pgsegreto');
    expect(text).toContain('postgres://faldone:[redatto]@db:5432/faldone');
  });
});
