// Fixity audit of the archive: `tsx scripts/fixity.ts [--json]`. Re-reads every object of every package and
// compares SHA-256 with the manifests. Exit 0 when everything matches, 1 when anything is missing, altered or orphan.
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { loadConfig } from '../src/core/config.ts';
import { auditFixity } from '../src/store/fixity.ts';
import { createMetadataStore, createObjectStore } from '../src/workers/adapters.ts';

const { values } = parseArgs({ options: { json: { type: 'boolean', default: false } } });
const config = loadConfig();
const store = createObjectStore(config);
const db = await createMetadataStore(config);
const bar = new cliProgress.SingleBar({ format: 'verifica |{bar}| {value}/{total} pacchetti', noTTYOutput: true, notTTYSchedule: 5000 }, cliProgress.Presets.shades_classic);
let started = false;
const report = await auditFixity({ store, db }, {
  onProgress: (done, total) => {
    if (values.json) return;
    if (!started) (bar.start(total, done), (started = true));
    else bar.update(done);
  },
});
if (started) bar.stop();
if (values.json) console.log(JSON.stringify(report, null, 2));
else {
  console.log(`Pacchetti: ${report.packages}  file verificati: ${report.files}  byte letti: ${report.bytes}`);
  for (const p of report.problems) console.log(`  ✗ ${p.kind}: ${p.key}${p.detail ? ` — ${p.detail}` : ''}`);
  console.log(report.ok ? 'Integrità verificata: nessun problema.' : `${report.problems.length} problemi trovati.`);
}
await db.close();
await store.close();
process.exitCode = report.ok ? 0 : 1;
