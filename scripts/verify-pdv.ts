// Verify a submission package (PdV) tar: `tsx scripts/verify-pdv.ts file.tar [--json]`. Re-reads every file,
// recomputes its SHA-256 and checks it against indice.xml and against its document's manifest.json.
// Exit 0 when intact, 1 when anything is missing, extra, altered or inconsistent, 2 on wrong usage.
import { existsSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { verifyPdv } from '../src/store/pdv-verify.ts';

const USAGE = 'usage: tsx scripts/verify-pdv.ts file.tar [--json]';
let parsed;
try {
  parsed = parseArgs({ allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
} catch (err) {
  console.error(`${(err as Error).message}\n${USAGE}`);
  process.exit(2);
}
const { values, positionals } = parsed;
const file = positionals[0];
if (!file || positionals.length > 1) {
  console.error(USAGE);
  process.exit(2);
}
if (!existsSync(file) || !statSync(file).isFile()) {
  console.error(`${file}: file non trovato`);
  process.exit(1);
}
const report = await verifyPdv(file);
if (values.json) console.log(JSON.stringify(report, null, 2));
else {
  console.log(`${file}: ${report.root ?? '(nessuna cartella PdV)'}  documenti: ${report.documents}  file letti: ${report.files}  byte: ${report.bytes}`);
  for (const p of report.problems) console.log(`  ✗ ${p.kind}: ${p.path || '(tar)'}${p.detail ? ` — ${p.detail}` : ''}`);
  console.log(report.ok ? 'Pacchetto integro: ogni file corrisponde a indice.xml e al suo manifest.' : `${report.problems.length} problemi trovati.`);
}
process.exitCode = report.ok ? 0 : 1;
