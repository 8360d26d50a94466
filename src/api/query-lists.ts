// Query-string lists: "E730,A547" or a repeated parameter (?comune=E730&comune=A547) → trimmed, non-empty items.
import { z } from 'zod';

export const commaList = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) =>
    v === undefined
      ? undefined
      : [v]
          .flat()
          .flatMap((s) => s.split(','))
          .map((s) => s.trim())
          .filter(Boolean),
  );
