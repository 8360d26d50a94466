// The MetadataStore contract on the SQLite adapter: a fresh database file per test.
import path from 'node:path';
import type { MetadataStore } from '../../src/db/metadata-store.ts';
import { SqliteMetadataStore } from '../../src/db/sqlite.metadata.ts';
import { makeTmpDir } from '../helpers/tmp-dir.ts';
import { metadataStoreContract, type ContractStore } from './metadata.contract.ts';
import { recordsContract } from './records.contract.ts';
import { tenancyContract } from './tenancy.contract.ts';
import { pageVersionsContract } from './page-versions.contract.ts';

async function harness(): Promise<ContractStore> {
  const tmp = await makeTmpDir('faldone-meta-');
  const file = path.join(tmp.dir, 'meta.db');
  const opened: MetadataStore[] = [new SqliteMetadataStore(file)];
  return {
    store: opened[0]!,
    reopen: async () => {
      const store = new SqliteMetadataStore(file);
      opened.push(store);
      return store;
    },
    cleanup: async () => {
      for (const s of opened) await s.close();
      await tmp.cleanup();
    },
  };
}

metadataStoreContract('SQLite', harness);
recordsContract('SQLite', harness);
tenancyContract('SQLite', harness);
pageVersionsContract('SQLite', harness);
