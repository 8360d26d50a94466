// The demo: generate sample scans (deterministic), run the API and workers, ingest the samples as one batch with a
// progress bar, print the URL and an example search, and keep serving until Ctrl-C.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/core/config.ts';
import { createLogger } from '../src/core/logger.ts';
import { buildServer } from '../src/api/server.ts';
import { ensureDemoUsers } from '../src/auth/bootstrap.ts';
import { followBatch, printBatchSummary } from '../src/cli/batch-report.ts';
import { importFolder } from '../src/ingest/folder-import.ts';
import { generateCorpus } from '../src/samples/generate.ts';
import { createServices } from '../src/workers/services.ts';
import { WorkerRunner } from '../src/workers/worker.runner.ts';
import { resumeReceivedDocuments } from '../src/workers/resume.ts';
import { importDemoInventory } from './demo-inventory.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '2026' },
    practice: { type: 'string', default: '8' },
    protocol: { type: 'string', default: '6' },
    'exit-when-done': { type: 'boolean', default: false },
  },
});
// Without COMUNI (or a config file naming the union) the demo runs a union of two Comuni, the second of which requires
// an approved access request before professionals see its documents.
const config = loadConfig(
  process.env.COMUNI || process.env.FALDONE_CONFIG
    ? {}
    : {
        overrides: {
          union: {
            name: 'Unione dei Comuni (demo)',
            comuni: [
              { code: 'E730', name: 'Lugo' },
              { code: 'A547', name: 'Bagnacavallo', requireAccessRequest: true },
            ],
          },
        },
      },
);
const logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
const samplesDir = path.join(config.dataDir, `samples-${values.seed}`);
const t0 = Date.now();
if (!existsSync(path.join(samplesDir, 'corpus.json'))) {
  console.log(`Genero i documenti di esempio in ${samplesDir}…`);
  await generateCorpus({ seed: Number(values.seed), outDir: samplesDir, practiceDocs: Number(values.practice), protocolLetters: Number(values.protocol) });
}
const services = await createServices(config, logger);
await ensureDemoUsers(services.auth, { staffComune: config.union.defaultComune });
const runner = new WorkerRunner(services);
runner.start();
await resumeReceivedDocuments(services);
const app = await buildServer(services);
await app.listen({ host: config.api.host, port: config.api.port });
const url = `http://${config.api.host}:${config.api.port}/`;
console.log(`Faldone in ascolto su ${url}`);

await importDemoInventory(services, samplesDir, Number(values.seed));
const { batchId } = await importFolder(services, samplesDir, { label: 'esempi', source: 'demo', comune: config.union.defaultComune });
const summary = await followBatch(services.db, batchId);
await printBatchSummary(services.db, summary);
const stats = await services.search.stats();
console.log(`\nIndice: ${stats.documents} documenti, ${stats.pages} pagine. Tempo totale: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
console.log(`Apri ${url} e accedi con uno degli utenti demo (nome/password):`);
console.log('  admin/admin-demo, archivista/archivista-demo, protocollo/protocollo-demo, professionista/professionista-demo');
console.log(`Archivio cartaceo: ${config.union.comuni.map((c) => c.name).join(', ')} (${url}#/cartaceo).`);
if (values['exit-when-done']) {
  await app.close();
  await runner.close();
  await services.close();
} else {
  console.log('Ctrl-C per fermare.');
  const stop = async () => {
    await app.close();
    await runner.close();
    await services.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}
