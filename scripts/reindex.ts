// Rebuild the metadata database and the search index from the archive packages in the store:
// `tsx scripts/reindex.ts`. Safe to run on a live database: known documents are refreshed, not duplicated.
import cliProgress from 'cli-progress';
import { loadConfig } from '../src/core/config.ts';
import { openConformityStore } from '../src/conformity/conformity-store.factory.ts';
import { rebuildFromStore } from '../src/store/rebuild.ts';
import { createMetadataStore, createObjectStore, createSearchIndex } from '../src/workers/adapters.ts';

const config = loadConfig();
const store = createObjectStore(config);
const db = await createMetadataStore(config);
const search = createSearchIndex(config);
const conformity = await openConformityStore(config.db);
const bar = new cliProgress.SingleBar({ format: 'ricostruzione |{bar}| {value}/{total} pacchetti', noTTYOutput: true, notTTYSchedule: 5000 }, cliProgress.Presets.shades_classic);
let started = false;
const t0 = Date.now();
const report = await rebuildFromStore({ store, db, search, conformity }, {
  onProgress: (done, total) => {
    if (!started) (bar.start(total, done), (started = true));
    else bar.update(done);
  },
});
bar.stop();
console.log(`Pacchetti: ${report.packages}  documenti nuovi: ${report.documents}  pagine indicizzate: ${report.pages}  (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
for (const p of report.problems) console.log(`  ✗ ${p.key}: ${p.error}`);
await search.close();
await conformity.close();
await db.close();
await store.close();
process.exitCode = report.problems.length ? 1 : 0;
