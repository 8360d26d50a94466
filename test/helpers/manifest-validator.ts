// Validates manifests against the committed JSON Schema with ajv, as an outside auditor would.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { REPO_ROOT } from './pipeline-world.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, 'schemas', 'manifest.schema.json'), 'utf8')) as object;
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
export const validateManifestJson = ajv.compile(schema);
