// Protocol-register rules: a number read from a letter is registered once and never changes; a different reading is
// reported, not applied.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { SqliteMetadataStore } from '../../src/db/sqlite.metadata.ts';
import {
  ProtocolImmutableError,
  registerFromMetadata,
  rejectProtocolChange,
} from '../../src/classify/protocol-register.ts';
import { makeTmpDir } from '../helpers/tmp-dir.ts';

let tmp: Awaited<ReturnType<typeof makeTmpDir>>;
let db: SqliteMetadataStore;
const sha = 'a'.repeat(64);

beforeEach(async () => {
  tmp = await makeTmpDir();
  db = new SqliteMetadataStore(path.join(tmp.dir, 'meta.db'));
  const batch = await db.createBatch({ label: 'lotto', source: 'test' });
  await db.createDocument({
    id: sha,
    sha256: sha,
    batchId: batch.id,
    filename: 'lettera.tif',
    mediaType: 'image/tiff',
    size: 1,
  });
});
afterEach(async () => {
  await db.close();
  await tmp.cleanup();
});

const types = async () => (await db.listEvents({ documentId: sha })).map((e) => e.type);

describe('protocol register from the classifier', () => {
  it('registers the number read from the letter once, as read by the system, and logs it', async () => {
    const first = await registerFromMetadata(db, sha, { protocol: { number: 4521, date: '2019-03-12' } });
    expect(first.outcome).toBe('registered');
    expect(await db.getProtocol(sha)).toMatchObject({
      documentId: sha,
      number: 4521,
      year: 2019,
      date: '2019-03-12',
      source: 'ocr',
      registeredBy: 'system',
    });
    const again = await registerFromMetadata(db, sha, { protocol: { number: 4521, date: '2019-03-12' } });
    expect(again.outcome).toBe('unchanged');
    expect(await types()).toEqual(['protocol.registered']);
  });

  it('skips a reading without a number or without a date to take the year from', async () => {
    expect((await registerFromMetadata(db, sha, {})).outcome).toBe('skipped');
    expect((await registerFromMetadata(db, sha, { protocol: { number: 12 } })).outcome).toBe('skipped');
    expect(await db.getProtocol(sha)).toBeNull();
    expect(await types()).toEqual([]);
  });

  it('keeps the register unchanged when a later reading differs, and reports each different reading once', async () => {
    await registerFromMetadata(db, sha, { protocol: { number: 4521, date: '2019-03-12' } });
    const registered = await db.getProtocol(sha);
    for (let i = 0; i < 3; i++) {
      const r = await registerFromMetadata(db, sha, { protocol: { number: 4527, date: '2019-03-12' } });
      expect(r.outcome).toBe('mismatch');
    }
    await registerFromMetadata(db, sha, { protocol: { number: 4521, date: '2019-03-13' } });
    expect(await db.getProtocol(sha)).toEqual(registered);
    const mismatches = (await db.listEvents({ documentId: sha })).filter((e) => e.type === 'protocol.mismatch');
    expect(mismatches).toHaveLength(2);
    expect(mismatches[0]!.detail).toMatchObject({
      registered: { number: 4521, year: 2019, date: '2019-03-12' },
      read: { number: 4527, year: 2019, date: '2019-03-12' },
    });
    expect(mismatches[0]!.actor).toBe('system');
  });

  it('refuses any payload that tries to set the protocol number or date, in Italian', () => {
    for (const payload of [
      { protocolNumber: 1 },
      { protocol: { number: 1 } },
      { office: 'tributi', date: '2020-01-01' },
    ]) {
      let error: unknown;
      try {
        rejectProtocolChange(payload);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ProtocolImmutableError);
      expect(error).toMatchObject({
        statusCode: 409,
        code: 'PROTOCOL_IMMUTABLE',
        message: 'Il numero e la data di protocollo non si possono modificare',
      });
    }
    expect(() => rejectProtocolChange({ titolarioClass: 'VI.3', office: 'edilizia-privata', note: 'x' })).not.toThrow();
  });
});

describe('protocol register of a union of Comuni', () => {
  it("registers each letter in its document's Comune", async () => {
    const batch = await db.createBatch({ label: 'posta Lugo', source: 'test', comune: 'E730', restricted: true });
    const lugo = 'b'.repeat(64);
    await db.createDocument({
      id: lugo,
      sha256: lugo,
      batchId: batch.id,
      filename: 'l.tif',
      mediaType: 'image/tiff',
      size: 1,
    });
    const read = { protocol: { number: 12, date: '2024-05-06' } };
    expect(await registerFromMetadata(db, lugo, read)).toMatchObject({
      outcome: 'registered',
      entry: { comune: 'E730' },
    });
    expect(await registerFromMetadata(db, sha, read)).toMatchObject({
      outcome: 'registered',
      entry: { comune: 'C000' },
    });
    expect(await db.getProtocol(lugo)).toMatchObject({ comune: 'E730', number: 12, year: 2024 });
  });
});
