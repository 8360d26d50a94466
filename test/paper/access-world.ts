// A small world for the access-request tests: real SQLite paper and metadata stores and a file outbox in a temp
// dir, a union of two Comuni (Lugo requires access requests, Bagnacavallo does not), a clock the test moves.
import path from 'node:path';
import { silentLogger } from '../../src/core/logger.ts';
import { SqliteMetadataStore } from '../../src/db/sqlite.metadata.ts';
import { OutboxMailer } from '../../src/notify/outbox.mailer.ts';
import { AccessService, type AccessActor } from '../../src/paper/access.service.ts';
import { SqlitePaperStore } from '../../src/paper/sqlite.paper-store.ts';
import type { UnionSettings } from '../../src/tenancy/comuni.ts';
import { makeTmpDir } from '../helpers/tmp-dir.ts';
import { readOutbox } from '../notify/eml.ts';

export const UNION: UnionSettings = {
  name: 'Unione dei Comuni della Bassa Romagna',
  comuni: [
    { code: 'E730', name: 'Lugo', requireAccessRequest: true },
    { code: 'A547', name: 'Bagnacavallo', requireAccessRequest: false },
  ],
  defaultComune: 'E730',
  accessDays: 90,
  areaDays: 365,
};
export const BASE_URL = 'https://archivio.example.it';

let seq = 0;
export function actor(role: AccessActor['role'], full: '*' | string[], name = `Utente ${++seq}`): AccessActor {
  return { id: `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`, role, displayName: name, scope: { full } };
}

export async function accessWorld() {
  const tmp = await makeTmpDir('faldone-access-');
  const paper = new SqlitePaperStore(path.join(tmp.dir, 'faldone.db'));
  const db = new SqliteMetadataStore(path.join(tmp.dir, 'faldone.db'));
  const outboxDir = path.join(tmp.dir, 'outbox');
  const mailer = new OutboxMailer({ dir: outboxDir, from: 'Archivio <archivio@example.it>' });
  const clock = { now: new Date('2024-03-01T09:00:00.000Z') };
  const service = new AccessService({
    paper,
    archive: db,
    mailer,
    union: UNION,
    baseUrl: BASE_URL,
    logger: silentLogger,
    now: () => clock.now,
  });
  return {
    paper,
    db,
    mailer,
    service,
    clock,
    outboxDir,
    outbox: () => readOutbox(outboxDir),
    async close() {
      await paper.close();
      await db.close();
      await mailer.close();
      await tmp.cleanup();
    },
  };
}
export type AccessWorld = Awaited<ReturnType<typeof accessWorld>>;
