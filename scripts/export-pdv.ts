// Export a submission package (PdV) for the conservation service:
//   tsx scripts/export-pdv.ts --out file.tar [--practice "PE 123/1987"] [--from 2024-01-01 --to 2024-12-31]
//                             [--class VI.3] [--id ID] [--producer "Comune di …"] [--json]
// Criteria are combined (AND); --from/--to are inclusive days of the ACQUISITION date (createdAt) of the documents;
// --class matches the class and its subclasses ("VI" matches "VI.3"). Every object is checked against its manifest
// while it is streamed: on any mismatch nothing is left at --out. Exit 0 done, 1 failed, 2 wrong usage.
import path from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { loadConfig } from '../src/core/config.ts';
import { describeSelection, exportPdvToFile, PdvExportError, type PdvSelection } from '../src/store/pdv-export.ts';
import { createMetadataStore, createObjectStore } from '../src/workers/adapters.ts';

const USAGE =
  'usage: tsx scripts/export-pdv.ts --out file.tar [--practice "PE 123/1987"] [--from YYYY-MM-DD] [--to YYYY-MM-DD] ' +
  '[--class VI.3] [--id ID] [--producer NAME] [--json]';

let values;
try {
  ({ values } = parseArgs({
    options: {
      out: { type: 'string', short: 'o' },
      practice: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      class: { type: 'string' },
      id: { type: 'string' },
      producer: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (err) {
  console.error(`${(err as Error).message}\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!values.out) {
  console.error(USAGE);
  process.exit(2);
}
const out = path.resolve(values.out);
const selection: PdvSelection = { practice: values.practice, from: values.from, to: values.to, titolarioClass: values.class };

const config = loadConfig();
const store = createObjectStore(config);
const db = await createMetadataStore(config);
const bar = new cliProgress.SingleBar(
  { format: 'PdV |{bar}| {percentage}% {docs}/{totalDocs} documenti {mb} MB', noTTYOutput: true, notTTYSchedule: 5000, stream: process.stderr },
  cliProgress.Presets.shades_classic,
);
let started = false;
try {
  const result = await exportPdvToFile({ store, db }, out, {
    selection,
    id: values.id,
    producer: values.producer ?? config.archive.producer,
    onProgress: (p) => {
      if (values.json) return;
      const payload = { docs: p.documents, totalDocs: p.totalDocuments, mb: (p.bytes / 1e6).toFixed(1) };
      if (!started) (bar.start(Math.max(p.totalBytes, 1), p.bytes, payload), (started = true));
      else bar.update(p.bytes, payload);
    },
  });
  if (started) bar.stop();
  if (values.json) {
    console.log(JSON.stringify({ out, id: result.id, root: result.root, created: result.created, documents: result.documents, files: result.files, bytes: result.bytes, selection: result.summary.selection }, null, 2));
  } else {
    console.log(`Pacchetto di versamento ${result.root} scritto in ${out}`);
    console.log(`Selezione: ${describeSelection(selection)} (date = data di acquisizione)`);
    console.log(`Documenti: ${result.documents}  file: ${result.files}  byte: ${result.bytes}  creato: ${result.created}`);
    for (const d of result.summary.documents) {
      console.log(`  ${d.id.slice(0, 12)}…  ${(d.practice ?? '—').padEnd(14)} ${(d.titolarioClass ?? '—').padEnd(8)} ${d.dataAcquisizione.slice(0, 10)}  ${d.filename}`);
    }
    console.log('Ogni file è stato verificato (SHA-256) rispetto al suo manifest. Verifica: tsx scripts/verify-pdv.ts ' + values.out);
  }
  process.exitCode = 0;
} catch (err) {
  if (started) bar.stop();
  console.error(`${err instanceof PdvExportError ? '' : 'errore inatteso: '}${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await db.close();
  await store.close();
}
