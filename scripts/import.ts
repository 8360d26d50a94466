// Bulk import of a folder of scans: `tsx scripts/import.ts <folder> [--label L] [--comune CODE] [--restricted]
// [--split separators|separators+blank] [--no-workers]`. With --split every file is a box scan, split into documents
// at its separator sheets (and at blank pages with separators+blank). The batch belongs to the Comune CODE (default: the union's default Comune); with --restricted its
// documents are visible only to that Comune's staff.
// Runs the workers in this process unless --no-workers (then a running `npm start` does the work); shows a progress
// bar, waits until the batch is done and prints a summary. Exit 0: all archived; 3: some documents failed.
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/core/config.ts';
import { BOX_SPLIT_MODES, type BoxSplitMode } from '../src/db/metadata-store.ts';
import { createLogger } from '../src/core/logger.ts';
import { followBatch, printBatchSummary } from '../src/cli/batch-report.ts';
import { importFolder } from '../src/ingest/folder-import.ts';
import { comuneOf, UnknownComuneError } from '../src/tenancy/comuni.ts';
import { createServices } from '../src/workers/services.ts';
import { WorkerRunner } from '../src/workers/worker.runner.ts';
import { resumeReceivedDocuments } from '../src/workers/resume.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    label: { type: 'string' },
    comune: { type: 'string' },
    restricted: { type: 'boolean', default: false },
    split: { type: 'string' },
    'no-workers': { type: 'boolean', default: false },
  },
});
const folder = positionals[0];
if (!folder) {
  console.error(
    'usage: tsx scripts/import.ts <folder> [--label L] [--comune CODE] [--restricted] [--split separators|separators+blank] [--no-workers]',
  );
  process.exit(2);
}
const split = values.split as BoxSplitMode | undefined;
if (split !== undefined && !BOX_SPLIT_MODES.includes(split)) {
  console.error(`--split: atteso ${BOX_SPLIT_MODES.join(' o ')}, non "${values.split}"`);
  process.exit(2);
}
const config = loadConfig();
let comune: string;
try {
  comune = comuneOf(config.union, values.comune ?? config.union.defaultComune).code;
} catch (err) {
  if (!(err instanceof UnknownComuneError)) throw err;
  const known = config.union.comuni.map((c) => `${c.code} (${c.name})`).join(', ');
  console.error(`${err.message}. Comuni dell'unione: ${known}`);
  process.exit(2);
}
const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
const services = await createServices(config, logger);
const runner = values['no-workers'] ? undefined : new WorkerRunner(services);
runner?.start();
if (runner) await resumeReceivedDocuments(services);
try {
  const { batchId, items } = await importFolder(services, folder, {
    label: values.label,
    comune,
    restricted: values.restricted,
    split,
    onItem: (item, i, total) => process.stderr.write(`\rcaricamento ${i + 1}/${total}: ${item.filename.slice(0, 60).padEnd(60)}`),
  });
  process.stderr.write('\n');
  if (items.length === 0) console.log(`nessuna scansione trovata in ${folder}`);
  const summary = await followBatch(services.db, batchId);
  await printBatchSummary(services.db, summary);
  process.exitCode = (summary.byStatus.failed ?? 0) > 0 ? 3 : 0;
} finally {
  await runner?.close();
  await services.close();
}
