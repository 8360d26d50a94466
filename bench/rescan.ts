// Rescan cost: archive one A4 document of N pages through the real pipeline, then replace one page M times with the
// rescan job (run in this process), timing the recognition of the page and the writing of the new edition (searchable
// PDF rebuilt from the kept one, text, manifest, index), against the pipeline time of the whole document.
//   nice -n 10 npx tsx bench/rescan.ts [--pages 10] [--rescans 3]
import { parseArgs } from 'node:util';
import { Readable } from 'node:stream';
import { waitForBatch } from '../src/ingest/batch-progress.ts';
import { rescanPageJob } from '../src/rescan/rescan-page.job.ts';
import { openRescanQueue } from '../src/rescan/rescan.queue.ts';
import { requestRescan } from '../src/rescan/rescan.service.ts';
import { PACKAGE_FILES } from '../src/store/keys.ts';
import { createWorld } from '../test/helpers/pipeline-world.ts';
import { renderTextPage } from '../test/helpers/render-text-page.ts';
import { tiffOf } from '../test/helpers/rescan-scans.ts';
import { textTable } from './lib/table.ts';

const { values } = parseArgs({
  options: { pages: { type: 'string', default: '10' }, rescans: { type: 'string', default: '3' } },
});
const pages = Number(values.pages);
const rescans = Number(values.rescans);
const paragraph = (n: number, v: number) =>
  Array.from(
    { length: 14 },
    (_, i) => `Riga ${i + 1} della pagina ${n}, versione ${v}: relazione tecnica del progetto edilizio in via Roma.`,
  ).join('\n');
const a4 = async (n: number, v: number) =>
  (await renderTextPage({ text: paragraph(n, v), noise: 0.001, seed: n * 10 + v })).image;

const world = await createWorld({ logLevel: 'warn' });
try {
  const t0 = Date.now();
  const tiff = await tiffOf(await Promise.all(Array.from({ length: pages }, (_, i) => a4(i + 1, 1))));
  const batch = await world.services.db.createBatch({ label: 'bench rescan', source: 'bench' });
  const item = await world.services.ingest.ingest(batch.id, 'documento.tif', Readable.from(tiff));
  await waitForBatch(world.services.db, batch.id, { timeoutMs: 30 * 60_000 });
  const pipelineMs = Date.now() - t0;
  await world.runner.close(); // the rescan jobs run below, in this process, one at a time
  const queue = openRescanQueue(world.services);
  const page = Math.ceil(pages / 2);
  const rows: string[][] = [];
  for (let r = 0; r < rescans; r++) {
    const doc = (await world.services.db.getDocument(item.documentId!))!;
    const image = await a4(page, r + 2);
    const v = await requestRescan({ ...world.services, queue }, doc, {
      page,
      filename: 'p.png',
      body: Readable.from(image),
      by: 'bench',
    });
    const started = Date.now();
    const result = await rescanPageJob(
      { ...world.services, log: world.services.logger, jobId: 'bench', attempt: 1 },
      { documentId: doc.id, batchId: doc.batchId, page, version: v.version },
    );
    const total = Date.now() - started;
    const pdf = await world.services.store.head(`${doc.archiveKey}/${PACKAGE_FILES.pdf}`);
    rows.push([
      String(v.version),
      String(result.ms!.recognise),
      String(result.ms!.edition),
      String(total),
      (pdf!.size / 1024 / 1024).toFixed(1),
    ]);
  }
  await queue.close();
  console.log(
    `document: ${pages} A4 pages at 300 DPI, pipeline ${(pipelineMs / 1000).toFixed(1)} s (${(pipelineMs / pages / 1000).toFixed(2)} s/page, 2 OCR workers)`,
  );
  console.log(textTable(['version', 'recognise ms', 'new edition ms', 'job ms', 'document.pdf MB'], rows));
} finally {
  await world.close();
}
