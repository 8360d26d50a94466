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

  it('fails at start-up with the name of a bad setting', () => {
    expect(() => loadConfig({ env: { OCR_WORKERS: 'many' }, cwd: '/srv' })).toThrow(ConfigError);
    expect(() => loadConfig({ env: { OCR_WORKERS: 'many' }, cwd: '/srv' })).toThrow(/ocr\.workers/);
    expect(() => loadConfig({ env: { FALDONE_CONFIG: '/nonexistent.json' }, cwd: '/srv' })).toThrow(/does not exist/);
  });
});
