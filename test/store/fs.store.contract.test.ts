// The ObjectStore contract against the filesystem adapter.
import { FsObjectStore } from '../../src/store/fs.store.ts';
import { makeTmpDir } from '../helpers/tmp-dir.ts';
import { objectStoreContract } from './object-store.contract.ts';

objectStoreContract('fs', async () => {
  const tmp = await makeTmpDir('faldone-fs-contract-');
  const store = new FsObjectStore(tmp.dir);
  return {
    store,
    cleanup: async () => {
      await store.close();
      await tmp.cleanup();
    },
  };
});
