// Opens the configured PaperStore next to the metadata store (placeholder until the adapters land).
import type { Config } from '../core/config.ts';
import type { PaperStore } from './paper-store.ts';

export async function openPaperStore(_db: Config['db']): Promise<PaperStore> {
  return new Proxy({} as PaperStore, {
    get: (_t, prop) => (prop === 'close' ? async () => {} : () => Promise.reject(new Error('paper store not implemented yet'))),
  });
}
