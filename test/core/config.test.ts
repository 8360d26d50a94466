import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/core/config.ts';

describe('configuration', () => {
  it('has documented defaults and resolves data paths under dataDir', () => {
    const c = loadConfig({ env: {}, cwd: '/srv/faldone' });
    expect(c.redis.url).toBe('redis://127.0.0.1:6379');
    expect(c.store.root).toBe(path.join('/srv/faldone/data/store'));
    expect(c.db.path).toBe('/srv/faldone/data/faldone.db');
    expect(c.ocr.workers).toBeGreaterThanOrEqual(1);
  });

  it('takes environment variables over defaults, coercing numbers', () => {
    const c = loadConfig({ env: { OCR_WORKERS: '3', PORT: '8080', FALDONE_DATA_DIR: '/tmp/x' }, cwd: '/srv' });
    expect(c.ocr.workers).toBe(3);
    expect(c.api.port).toBe(8080);
    expect(c.search.path).toBe('/tmp/x/search.db');
  });

  it('reads the page quality thresholds: defaults, environment overrides, bad values named', () => {
    expect(loadConfig({ env: {}, cwd: '/srv' }).scan).toMatchObject({ quality: true, minDpi: 200, maxSkewDegrees: 2 });
    const c = loadConfig({
      env: { SCAN_MIN_DPI: '300', SCAN_MAX_SKEW_DEGREES: '1.5', SCAN_QUALITY: 'no' },
      cwd: '/srv',
    });
    expect(c.scan).toMatchObject({ quality: false, minDpi: 300, maxSkewDegrees: 1.5 });
    expect(() => loadConfig({ env: { SCAN_EDGE_MIN_INK: '2' }, cwd: '/srv' })).toThrow(/scan\.edgeMinInk/);
  });

  it('fails at start-up with the name of a bad setting', () => {
    expect(() => loadConfig({ env: { OCR_WORKERS: 'many' }, cwd: '/srv' })).toThrow(ConfigError);
    expect(() => loadConfig({ env: { OCR_WORKERS: 'many' }, cwd: '/srv' })).toThrow(/ocr\.workers/);
    expect(() => loadConfig({ env: { FALDONE_CONFIG: '/nonexistent.json' }, cwd: '/srv' })).toThrow(/does not exist/);
  });
});

describe('configuration of the S3 store', () => {
  it('reads S3 settings from the environment when the driver is s3', () => {
    const c = loadConfig({
      env: {
        STORE_DRIVER: 's3',
        S3_ENDPOINT: 'http://minio:9000',
        S3_BUCKET: 'faldone',
        S3_ACCESS_KEY_ID: 'k',
        S3_SECRET_ACCESS_KEY: 's',
        S3_FORCE_PATH_STYLE: 'true',
      },
      cwd: '/srv',
    });
    expect(c.store.s3).toMatchObject({ endpoint: 'http://minio:9000', bucket: 'faldone', forcePathStyle: true });
  });

  it('refuses an S3 store without a bucket, naming the setting', () => {
    expect(() => loadConfig({ env: { STORE_DRIVER: 's3' }, cwd: '/srv' })).toThrow(/store\.s3\.bucket/);
  });

  it('reads booleans from the environment as people write them', () => {
    expect(loadConfig({ env: { INBOX_ENABLED: 'false' }, cwd: '/srv' }).inbox.enabled).toBe(false);
    expect(loadConfig({ env: { INBOX_ENABLED: 'true' }, cwd: '/srv' }).inbox.enabled).toBe(true);
  });
});
