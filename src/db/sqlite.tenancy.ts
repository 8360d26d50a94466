// Tenancy (issue 11) on SQLite: migration 3 gives batches, documents, practices and protocol entries their Comune.
import { DEFAULT_COMUNE_CODE } from '../tenancy/comuni.ts';

const C = `'${DEFAULT_COMUNE_CODE}'`;

/**
 * Migration 3 of the SQLite schema. Existing rows belong to the default Comune and are shared. Practice keys become
 * unique per (comune, key): SQLite cannot drop the column's UNIQUE constraint, so the table is rebuilt (the migration
 * runner turns foreign keys off around it and checks them before committing).
 */
export const TENANCY_MIGRATION = `
  ALTER TABLE batches ADD COLUMN comune TEXT NOT NULL DEFAULT ${C};
  ALTER TABLE batches ADD COLUMN restricted INTEGER NOT NULL DEFAULT 0 CHECK (restricted IN (0, 1));
  CREATE INDEX batches_comune ON batches(comune, created_at, id);

  ALTER TABLE documents ADD COLUMN comune TEXT NOT NULL DEFAULT ${C};
  ALTER TABLE documents ADD COLUMN restricted INTEGER NOT NULL DEFAULT 0 CHECK (restricted IN (0, 1));
  CREATE INDEX documents_comune ON documents(comune, restricted);

  ALTER TABLE protocol_register ADD COLUMN comune TEXT NOT NULL DEFAULT ${C};
  CREATE INDEX protocol_register_comune ON protocol_register(comune, year, number);

  CREATE TABLE practices_by_comune (
    id TEXT PRIMARY KEY, comune TEXT NOT NULL, key TEXT, label TEXT NOT NULL, key_fold TEXT, label_fold TEXT NOT NULL,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, UNIQUE (comune, key));
  INSERT INTO practices_by_comune (id, comune, key, label, key_fold, label_fold, created_at, updated_at)
    SELECT id, ${C}, key, label, key_fold, label_fold, created_at, updated_at FROM practices;
  DROP TABLE practices;
  ALTER TABLE practices_by_comune RENAME TO practices;
  CREATE INDEX practices_comune ON practices(comune, key, label, id);`;
