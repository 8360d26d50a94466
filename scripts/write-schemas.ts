// Regenerate the JSON Schemas kept in the repository: `tsx scripts/write-schemas.ts`.
import { writeFileSync } from 'node:fs';
import { manifestJsonSchema } from '../src/store/manifest.schema.ts';

writeFileSync(new URL('../schemas/manifest.schema.json', import.meta.url), JSON.stringify(manifestJsonSchema(), null, 2) + '\n');
console.log('schemas/manifest.schema.json written');
