// The demo's paper inventory: the sample practices (digitised by the demo batch) plus practices only on paper, in the
// default Comune; and a few paper-only practices in each other Comune of the union. Imported once (re-imports update).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { GroundTruth } from '../src/domain/ground-truth.ts';
import { importInventory, previewInventory } from '../src/paper/inventory-import.service.ts';
import { inventoryCsv, sampleInventoryRows } from '../src/samples/inventory.sample.ts';
import type { AppServices } from '../src/workers/services.ts';

export async function importDemoInventory(services: AppServices, samplesDir: string, seed: number): Promise<void> {
  const corpus = JSON.parse(await readFile(path.join(samplesDir, 'corpus.json'), 'utf8')) as GroundTruth[];
  const { union } = services.config;
  for (const [i, comune] of union.comuni.entries()) {
    const home = comune.code === union.defaultComune;
    const rows = sampleInventoryRows({ seed: seed + i, corpus: home ? corpus : undefined, paperOnly: home ? 40 : 15 });
    const data = new TextEncoder().encode(inventoryCsv(rows));
    const filename = `inventario-${comune.code}.csv`;
    const { mapping } = await previewInventory(data, filename);
    const report = await importInventory(services.paper, {
      data,
      filename,
      comune: comune.code,
      mapping: Object.fromEntries(Object.entries(mapping).filter(([, column]) => column !== null)),
      importedBy: 'demo',
    });
    console.log(
      `Inventario cartaceo di ${comune.name}: ${report.inserted} pratiche nuove, ${report.updated} aggiornate, ${report.rejected} scartate.`,
    );
  }
}
