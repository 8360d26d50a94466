// The two-Comuni union most API tests run in: Lugo (E730) and Bagnacavallo (A547), as createWorld's config overrides.
import type { ConfigInput } from '../../src/core/config.ts';

export const BASSA_ROMAGNA = {
  union: {
    name: 'Unione della Bassa Romagna',
    comuni: [
      { code: 'E730', name: 'Lugo' },
      { code: 'A547', name: 'Bagnacavallo' },
    ],
  },
} satisfies ConfigInput;
