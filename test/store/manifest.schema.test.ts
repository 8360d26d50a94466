import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { manifestJsonSchema } from '../../src/store/manifest.schema.ts';
import { validateManifestJson } from '../helpers/manifest-validator.ts';
import { REPO_ROOT } from '../helpers/pipeline-world.ts';

describe('manifest JSON Schema', () => {
  it('is kept in the repository exactly as the code generates it (run scripts/write-schemas.ts)', () => {
    const committed = JSON.parse(readFileSync(path.join(REPO_ROOT, 'schemas', 'manifest.schema.json'), 'utf8'));
    expect(committed).toEqual(manifestJsonSchema());
  });

  it('rejects a manifest without fingerprints or with a wrong algorithm', () => {
    expect(validateManifestJson({ versione: 'faldone.manifest/1' })).toBe(false);
    const errors = JSON.stringify(validateManifestJson.errors);
    expect(errors).toContain('identificativo');
  });
});
