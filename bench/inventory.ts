// Paper inventory at archive scale: import rate of a generated inventory CSV, and the free-text inventory search that
// runs beside every search of the web app, through the FTS5 word index against the plain scan it replaced (baseline,
// same database, same run).
//
//   npx tsx bench/inventory.ts [--rows 50000] [--queries 50]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { importInventory, previewInventory } from '../src/paper/inventory-import.service.ts';
import { inventoryWhere, SqlParams } from '../src/paper/paper.sql.ts';
import { SqlitePaperStore } from '../src/paper/sqlite.paper-store.ts';
import { inventoryCsv, sampleInventoryRows } from '../src/samples/inventory.sample.ts';
import { fmt, textTable } from './lib/table.ts';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '50000' }, queries: { type: 'string', default: '50' } },
});
const n = Number(values.rows);
const repeat = Number(values.queries);
const QUERIES = ['via roma', 'rossi', 'pe 12', 'garibaldi 3', 'foglio 12', 'scia 2014', 'bianchi via'];

const dir = mkdtempSync(path.join(tmpdir(), 'faldone-bench-inventory-'));
try {
  const data = new TextEncoder().encode(inventoryCsv(sampleInventoryRows({ seed: 7, paperOnly: n })));
  const store = new SqlitePaperStore(path.join(dir, 'faldone.db'));
  const t0 = performance.now();
  const { mapping } = await previewInventory(data, 'inventario.csv');
  const t1 = performance.now();
  const report = await importInventory(store, {
    data,
    filename: 'inventario.csv',
    comune: 'E730',
    mapping: Object.fromEntries(Object.entries(mapping).filter(([, c]) => c !== null)),
    importedBy: 'bench',
  });
  const t2 = performance.now();
  console.log(
    textTable(
      ['rows', 'file MB', 'preview ms', 'import s', 'rows/s', 'inserted', 'rejected'],
      [
        [
          report.rows,
          fmt(data.length / 2 ** 20),
          fmt(t1 - t0, 0),
          fmt((t2 - t1) / 1000),
          fmt(report.rows / ((t2 - t1) / 1000), 0),
          report.inserted,
          report.rejected,
        ],
      ],
    ),
  );

  // The baseline: the same WHERE as PostgreSQL uses (LIKE over the folded text), on the same SQLite file.
  const raw = new Database(path.join(dir, 'faldone.db'), { readonly: true });
  const scan = (q: string) => {
    const p = new SqlParams('sqlite');
    const where = inventoryWhere({ q, state: ['paper', 'requested', 'scanned'] }, p, 'like');
    const total = raw.prepare(`SELECT count(*) AS n FROM paper_inventory WHERE ${where}`).get(...p.values) as {
      n: number;
    };
    raw
      .prepare(`SELECT * FROM paper_inventory WHERE ${where} ORDER BY comune, year DESC, practice_key, id LIMIT 10`)
      .all(...p.values);
    return total.n;
  };
  const rows: Array<Array<string | number>> = [];
  for (const q of QUERIES) {
    let matches = 0;
    const f0 = performance.now();
    for (let i = 0; i < repeat; i++)
      matches = (await store.searchInventory({ q, state: ['paper', 'requested', 'scanned'], limit: 10 })).total;
    const fts = (performance.now() - f0) / repeat;
    let scanned = 0;
    const s0 = performance.now();
    for (let i = 0; i < repeat; i++) scanned = scan(q);
    const base = (performance.now() - s0) / repeat;
    if (scanned !== matches) throw new Error(`"${q}": word index found ${matches}, scan ${scanned}`);
    rows.push([q, matches, fmt(fts, 2), fmt(base, 2), `${fmt(base / fts)}×`]);
  }
  console.log(`\ninventory search over ${n} practices (mean of ${repeat}; total + first 10, as the search page asks)`);
  console.log(textTable(['query', 'matches', 'word index ms', 'scan ms (baseline)', 'speed-up'], rows));
  raw.close();
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
