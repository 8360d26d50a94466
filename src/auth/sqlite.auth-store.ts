// AuthStore on SQLite: a second better-sqlite3 connection (WAL) to the metadata store's database file. Its tables have
// their own migration bookkeeping (auth_migrations) so that the metadata store's user_version is never touched.
import { applySqliteMigrations, openSqliteFile } from '../db/sqlite.side-store.ts';
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import {
  OidcSubjectTakenError,
  UsernameTakenError,
  foldUsername,
  type ApiToken,
  type AuditEntry,
  type AuditFilter,
  type AuthStore,
  type NewAuditEntry,
  type NewUser,
  normaliseTenancy,
  type User,
  type UserPatch,
} from './auth-store.ts';
import {
  auditFromRow,
  auditPage,
  auditWhere,
  patchedTenancy,
  tokenFromRow,
  userFromRow,
  type Row,
} from './auth.rows.ts';

/** Never edit a migration that has shipped: append. */
export const SQLITE_AUTH_MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'users, api tokens, audit log',
    sql: `
      CREATE TABLE users (
        id TEXT PRIMARY KEY, username TEXT NOT NULL, username_fold TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,
        role TEXT NOT NULL, password_hash TEXT, oidc_subject TEXT UNIQUE, disabled INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
      CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id), label TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, last_used_at TEXT, revoked_at TEXT);
      CREATE INDEX api_tokens_user ON api_tokens(user_id, created_at);
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL, actor_name TEXT, role TEXT,
        action TEXT NOT NULL, target_type TEXT, target_id TEXT, detail TEXT, ip TEXT);
      CREATE INDEX audit_log_at ON audit_log(at, id);
      CREATE INDEX audit_log_actor ON audit_log(actor, at);
      CREATE INDEX audit_log_actor_name ON audit_log(actor_name, at);
      CREATE INDEX audit_log_action ON audit_log(action, at);
      CREATE INDEX audit_log_target ON audit_log(target_id, at);`,
  },
  {
    version: 2,
    name: 'Comune of users (home and granted) and of audit entries',
    sql: `
      ALTER TABLE users ADD COLUMN comune TEXT;
      ALTER TABLE users ADD COLUMN granted_comuni TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE audit_log ADD COLUMN comune TEXT;
      CREATE INDEX users_comune ON users(comune);
      CREATE INDEX audit_log_comune ON audit_log(comune, at);`,
  },
];

/** A token's last use is written at most this often, so that a busy script does not write on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

function uniqueViolation(err: unknown): string | null {
  const e = err as { code?: string; message?: string };
  return e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
    ? (e.message ?? '')
    : null;
}

export class SqliteAuthStore implements AuthStore {
  private readonly db: Database.Database;
  /** Versions applied by this open (empty when the file was already current). */
  readonly applied: number[] = [];

  constructor(file: string) {
    this.db = openSqliteFile(file, { foreignKeys: true });
    this.applied.push(...applySqliteMigrations(this.db, 'auth_migrations', SQLITE_AUTH_MIGRATIONS));
  }

  private one(sql: string, ...params: unknown[]): Row | undefined {
    return this.db.prepare(sql).get(...params) as Row | undefined;
  }

  async createUser(input: NewUser): Promise<User> {
    const now = new Date().toISOString();
    const id = randomUUID();
    const tenancy = normaliseTenancy(input.role, input.comune ?? null, input.grantedComuni ?? []);
    try {
      this.db
        .prepare(
          `INSERT INTO users (id, username, username_fold, display_name, role, password_hash, oidc_subject, disabled,
             comune, granted_comuni, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          input.username,
          foldUsername(input.username),
          input.displayName,
          input.role,
          input.passwordHash ?? null,
          input.oidcSubject ?? null,
          input.disabled ? 1 : 0,
          tenancy.comune,
          JSON.stringify(tenancy.grantedComuni),
          now,
          now,
        );
    } catch (err) {
      const violation = uniqueViolation(err);
      if (violation?.includes('oidc_subject')) throw new OidcSubjectTakenError();
      if (violation !== null) throw new UsernameTakenError(input.username);
      throw err;
    }
    return (await this.getUser(id))!;
  }

  async getUser(id: string): Promise<User | null> {
    const row = this.one('SELECT * FROM users WHERE id = ?', id);
    return row ? userFromRow(row) : null;
  }

  async getUserByUsername(username: string): Promise<User | null> {
    const row = this.one('SELECT * FROM users WHERE username_fold = ?', foldUsername(username));
    return row ? userFromRow(row) : null;
  }

  async getUserByOidcSubject(subject: string): Promise<User | null> {
    const row = this.one('SELECT * FROM users WHERE oidc_subject = ?', subject);
    return row ? userFromRow(row) : null;
  }

  async listUsers(): Promise<User[]> {
    return (this.db.prepare('SELECT * FROM users ORDER BY username_fold, id').all() as Row[]).map(userFromRow);
  }

  async countUsers(): Promise<number> {
    return Number(this.one('SELECT count(*) AS n FROM users')!.n);
  }

  async updateUser(id: string, patch: UserPatch): Promise<User | null> {
    // One synchronous transaction: the tenancy columns are computed from the row they replace.
    return this.db.transaction((): User | null => {
      const row = this.one('SELECT * FROM users WHERE id = ?', id);
      if (!row) return null;
      const sets: string[] = [];
      const params: unknown[] = [];
      if (patch.displayName !== undefined) (sets.push('display_name = ?'), params.push(patch.displayName));
      if (patch.role !== undefined) (sets.push('role = ?'), params.push(patch.role));
      if (patch.passwordHash !== undefined) (sets.push('password_hash = ?'), params.push(patch.passwordHash));
      if (patch.disabled !== undefined) (sets.push('disabled = ?'), params.push(patch.disabled ? 1 : 0));
      const tenancy = patchedTenancy(userFromRow(row), patch);
      if (tenancy) {
        sets.push('comune = ?', 'granted_comuni = ?');
        params.push(tenancy.comune, JSON.stringify(tenancy.grantedComuni));
      }
      sets.push('updated_at = ?');
      params.push(new Date().toISOString(), id);
      this.db.prepare(`UPDATE users SET ${sets.join(', ')} WHERE id = ?`).run(...params);
      return userFromRow(this.one('SELECT * FROM users WHERE id = ?', id)!);
    })();
  }

  async setOidcSubject(id: string, subject: string | null): Promise<User | null> {
    try {
      const { changes } = this.db
        .prepare('UPDATE users SET oidc_subject = ?, updated_at = ? WHERE id = ?')
        .run(subject, new Date().toISOString(), id);
      return changes ? this.getUser(id) : null;
    } catch (err) {
      if (uniqueViolation(err) !== null) throw new OidcSubjectTakenError();
      throw err;
    }
  }

  async createToken(input: { tokenHash: string; userId: string; label: string }): Promise<ApiToken> {
    const id = randomUUID();
    this.db
      .prepare('INSERT INTO api_tokens (id, user_id, label, token_hash, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(id, input.userId, input.label, input.tokenHash, new Date().toISOString());
    return tokenFromRow(this.one('SELECT * FROM api_tokens WHERE id = ?', id)!);
  }

  async resolveToken(tokenHash: string): Promise<{ token: ApiToken; user: User } | null> {
    const row = this.one('SELECT * FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL', tokenHash);
    if (!row) return null;
    const user = await this.getUser(String(row.user_id));
    if (!user) return null;
    const now = new Date();
    this.db
      .prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)')
      .run(now.toISOString(), row.id, new Date(now.getTime() - LAST_USED_RESOLUTION_MS).toISOString());
    return { token: tokenFromRow(this.one('SELECT * FROM api_tokens WHERE id = ?', row.id)!), user };
  }

  async listTokens(userId: string): Promise<ApiToken[]> {
    return (
      this.db.prepare('SELECT * FROM api_tokens WHERE user_id = ? ORDER BY created_at, id').all(userId) as Row[]
    ).map(tokenFromRow);
  }

  async revokeToken(id: string): Promise<boolean> {
    const { changes } = this.db
      .prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL')
      .run(new Date().toISOString(), id);
    return changes > 0;
  }

  async appendAudit(entry: NewAuditEntry): Promise<AuditEntry> {
    const { lastInsertRowid } = this.db
      .prepare(
        `INSERT INTO audit_log (at, actor, actor_name, role, action, target_type, target_id, detail, ip, comune)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        (entry.at === undefined ? new Date() : new Date(entry.at)).toISOString(),
        entry.actor,
        entry.actorName ?? null,
        entry.role ?? null,
        entry.action,
        entry.targetType ?? null,
        entry.targetId ?? null,
        entry.detail == null ? null : JSON.stringify(entry.detail),
        entry.ip ?? null,
        entry.comune ?? null,
      );
    return auditFromRow(this.one('SELECT * FROM audit_log WHERE id = ?', lastInsertRowid)!);
  }

  async listAudit(filter: AuditFilter = {}): Promise<{ entries: AuditEntry[]; total: number }> {
    const { where, params } = auditWhere(filter, () => '?');
    const { limit, offset } = auditPage(filter);
    const entries = (
      this.db
        .prepare(`SELECT * FROM audit_log ${where} ORDER BY at DESC, id DESC LIMIT ? OFFSET ?`)
        .all(...params, limit, offset) as Row[]
    ).map(auditFromRow);
    const total = Number(this.one(`SELECT count(*) AS n FROM audit_log ${where}`, ...params)!.n);
    return { entries, total };
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
