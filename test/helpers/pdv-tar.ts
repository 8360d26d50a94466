// PdV tars in tests: read one back (every entry buffered, test packages are small; the index and pdv.json parsed, files
// by their path inside the PdV root folder), and write one from a list of entries (to tamper with an export).
import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { extract as tarExtract, pack as tarPack } from 'tar-stream';
import { PDV_SUMMARY_FILE, type PdvSummary } from '../../src/store/pdv-export.ts';
import { INDEX_FILE, parseIndexXml, type PdvIndex } from '../../src/store/pdv-index.ts';

/** Every entry of a tar, buffered. */
export async function readTar(file: string): Promise<Array<{ name: string; body: Buffer }>> {
  const ex = tarExtract();
  createReadStream(file).pipe(ex as unknown as NodeJS.WritableStream);
  const out: Array<{ name: string; body: Buffer }> = [];
  for await (const entry of ex) {
    const chunks: Buffer[] = [];
    for await (const c of entry) chunks.push(Buffer.from(c as Uint8Array));
    out.push({ name: entry.header.name, body: Buffer.concat(chunks) });
  }
  return out;
}

/** Rewrite a tar from a list of entries. */
export async function writeTar(file: string, entries: Array<{ name: string; body: Buffer }>): Promise<void> {
  const pack = tarPack();
  for (const e of entries) pack.entry({ name: e.name, size: e.body.length }, e.body);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(Buffer.from(c as Uint8Array));
  await writeFile(file, Buffer.concat(chunks));
}

export interface ReadPdv {
  root: string;
  /** By path relative to the root folder. */
  files: Map<string, Buffer>;
  index: PdvIndex;
  summary: PdvSummary;
}

export async function readPdv(file: string): Promise<ReadPdv> {
  const entries = await readTar(file);
  const root = entries[0]!.name.split('/')[0]!;
  const files = new Map(entries.map((e) => [e.name.slice(root.length + 1), e.body]));
  return {
    root,
    files,
    index: parseIndexXml(files.get(INDEX_FILE)!.toString('utf8')),
    summary: JSON.parse(files.get(PDV_SUMMARY_FILE)!.toString('utf8')) as PdvSummary,
  };
}
