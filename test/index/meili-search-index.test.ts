// The SearchIndex contract against a real Meilisearch server (MEILI_URL, optional MEILI_API_KEY), one fresh index per
// test, dropped afterwards. No Meilisearch server can be installed on the project's machines (neither Debian nor
// npm ships one): without MEILI_URL the suite is skipped, and says so.
import { describe } from 'vitest';
import { randomUUID } from 'node:crypto';
import { openMeiliSearchIndex } from '../../src/index/meili.search-index.ts';
import { searchIndexContract } from './search-index.contract.ts';

const url = process.env.MEILI_URL;
const apiKey = process.env.MEILI_API_KEY || undefined;

if (!url) console.log('Meilisearch contract tests skipped: set MEILI_URL');

describe.skipIf(!url)('Meilisearch adapter', () => {
  searchIndexContract(`Meilisearch at ${url ?? '(unset)'}`, async () => {
    const index = await openMeiliSearchIndex({ url: url!, apiKey, index: `faldone_test_${randomUUID().slice(0, 8)}` });
    return {
      index,
      cleanup: async () => {
        await index.dropIndex();
        await index.close();
      },
    };
  });
});
