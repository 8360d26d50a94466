// Zip containers: entries become documents of the batch; bombs, traversal names and nested zips are refused with a
// reason; the container itself is kept as it came.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import yazl from 'yazl';
import { waitForBatch } from '../../src/ingest/batch-progress.ts';
import { sha256 } from '../../src/store/hash.ts';
import { createWorld, type World } from '../helpers/pipeline-world.ts';
import { smallPng } from '../helpers/small-scans.ts';

async function zipOf(entries: Array<[string, Buffer] | [string, Buffer, { compress: boolean }]>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, data, opts] of entries) zip.addBuffer(data, name, { compress: opts?.compress ?? true });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function replaceAll(buf: Buffer, from: string, to: string): void {
  const a = Buffer.from(from);
  for (let i = buf.indexOf(a); i >= 0; i = buf.indexOf(a, i + 1)) buf.write(to, i, 'latin1');
}

let world: World;
beforeAll(async () => {
  world = await createWorld({ limits: { zipMaxEntries: 6, zipMaxRatio: 200 } });
});
afterAll(() => world?.close());

async function ingestOne(name: string, data: Buffer) {
  const batch = await world.services.db.createBatch({ label: name, source: 'test' });
  return { batchId: batch.id, item: await world.services.ingest.ingest(batch.id, name, Readable.from([data])) };
}

describe('zip containers', () => {
  it('expands a zip into documents of the batch, refusing traversal names and nested zips, and keeps the container', async () => {
    const inner = await zipOf([['x.png', await smallPng('inner')]]);
    const zip = await zipOf([
      ['scansioni/a.png', await smallPng('zipa')],
      ['scansioni/b.png', await smallPng('zipb')],
      ['xx/xx/fuori.png', await smallPng('fuori')],
      ['annidato.zip', inner],
    ]);
    // Zip writers refuse to write "../" names; hostile tools do not. Same length, so offsets stay valid.
    replaceAll(zip, 'xx/xx/fuori.png', '../../fuori.png');
    const { batchId, item } = await ingestOne('scatola.zip', zip);
    expect(item.outcome, item.error).toBe('expanded');
    expect(item.children?.map((c) => [c.filename, c.outcome])).toEqual([
      ['a.png', 'accepted'],
      ['b.png', 'accepted'],
      ['fuori.png', 'rejected'],
      ['annidato.zip', 'rejected'],
    ]);
    expect(item.children?.[2]?.error).toMatch(/unsafe path/);
    expect(item.children?.[3]?.error).toMatch(/zip inside a zip/);
    expect(sha256(await world.services.store.getBuffer(`containers/${sha256(zip)}.zip`))).toBe(sha256(zip));
    const summary = await waitForBatch(world.services.db, batchId, { timeoutMs: 120_000 });
    expect(summary).toMatchObject({ accepted: 2, rejected: 2, byStatus: { archived: 2 }, done: true });
  });

  it('refuses a zip bomb before expanding anything', async () => {
    const bomb = await zipOf([['bomba.tif', Buffer.alloc(50 * 1024 * 1024)]]);
    expect(bomb.length).toBeLessThan(200_000);
    const { item } = await ingestOne('bomba.zip', bomb);
    expect(item).toMatchObject({ outcome: 'rejected', error: expect.stringMatching(/zip bomb/) });
    expect(item.children).toEqual([]);
  });

  it('refuses a zip with more entries than the limit', async () => {
    const many = await zipOf(
      Array.from({ length: 7 }, (_, i) => [`p${i}.png`, Buffer.from(`x${i}`)] as [string, Buffer]),
    );
    const { item } = await ingestOne('tante.zip', many);
    expect(item).toMatchObject({
      outcome: 'rejected',
      error: expect.stringMatching(/7 entries, more than the limit of 6/),
    });
  });

  it('rejects a corrupt zip with a reason', async () => {
    const good = await zipOf([['a.png', await smallPng('corrupt')]]);
    const { item } = await ingestOne('rotto.zip', good.subarray(0, good.length - 30));
    expect(item).toMatchObject({ outcome: 'rejected', error: expect.stringMatching(/cannot read the zip/) });
  });
});
