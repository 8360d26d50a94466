// AuthStore on PostgreSQL: its own small pool on the metadata store's database and schema, its own migrations
// (postgres.auth-migrations.ts).
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import {
  openPostgresSideStore,
  PostgresSideStore,
  type PostgresSideConnection,
  type PostgresSideOptions,
} from '../db/postgres.side-store.ts';
import { clean, toJson } from '../db/postgres.values.ts';
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
import { migrateAuthPostgres } from './postgres.auth-migrations.ts';

const LAST_USED_RESOLUTION_MS = 60_000;

export type PostgresAuthOptions = PostgresSideOptions;

function uniqueViolation(err: unknown): string | null {
  const e = err as { code?: string; constraint?: string };
  return e?.code === '23505' ? (e.constraint ?? '') : null;
}

export class PostgresAuthStore extends PostgresSideStore implements AuthStore {
  private constructor(side: PostgresSideConnection) {
    super(side);
  }

  static async open(opts: PostgresAuthOptions): Promise<PostgresAuthStore> {
    return new PostgresAuthStore(await openPostgresSideStore(opts, 'faldone-auth', migrateAuthPostgres));
  }

  private async query(sql: string, params: unknown[] = []): Promise<pg.QueryResult<Row>> {
    return this.pool.query<Row>(sql, clean(params));
  }

  async createUser(input: NewUser): Promise<User> {
    const now = new Date().toISOString();
    const tenancy = normaliseTenancy(input.role, input.comune ?? null, input.grantedComuni ?? []);
    try {
      const { rows } = await this.query(
        `INSERT INTO ${this.t('users')} (id, username, username_fold, display_name, role, password_hash, oidc_subject,
           disabled, comune, granted_comuni, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING *`,
        [
          randomUUID(),
          input.username,
          foldUsername(input.username),
          input.displayName,
          input.role,
          input.passwordHash ?? null,
          input.oidcSubject ?? null,
          input.disabled ?? false,
          tenancy.comune,
          tenancy.grantedComuni,
          now,
        ],
      );
      return userFromRow(rows[0]!);
    } catch (err) {
      const violation = uniqueViolation(err);
      if (violation === 'users_oidc_subject_key') throw new OidcSubjectTakenError();
      if (violation !== null) throw new UsernameTakenError(input.username);
      throw err;
    }
  }

  private async userWhere(where: string, value: unknown): Promise<User | null> {
    const { rows } = await this.query(`SELECT * FROM ${this.t('users')} WHERE ${where} = $1`, [value]);
    return rows[0] ? userFromRow(rows[0]) : null;
  }

  getUser(id: string): Promise<User | null> {
    return this.userWhere('id', id);
  }

  getUserByUsername(username: string): Promise<User | null> {
    return this.userWhere('username_fold', foldUsername(username));
  }

  getUserByOidcSubject(subject: string): Promise<User | null> {
    return this.userWhere('oidc_subject', subject);
  }

  async listUsers(): Promise<User[]> {
    const { rows } = await this.query(`SELECT * FROM ${this.t('users')} ORDER BY username_fold, id`);
    return rows.map(userFromRow);
  }

  async countUsers(): Promise<number> {
    const { rows } = await this.query(`SELECT count(*) AS n FROM ${this.t('users')}`);
    return Number(rows[0]!.n);
  }

  async updateUser(id: string, patch: UserPatch): Promise<User | null> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // The tenancy columns are computed from the row they replace: lock it so that a concurrent patch waits.
      const current = await client.query<Row>(`SELECT * FROM ${this.t('users')} WHERE id = $1 FOR UPDATE`, [id]);
      if (!current.rows[0]) {
        await client.query('ROLLBACK');
        return null;
      }
      const sets: string[] = [];
      const params: unknown[] = [];
      const set = (column: string, value: unknown) => {
        params.push(value);
        sets.push(`${column} = $${params.length}`);
      };
      if (patch.displayName !== undefined) set('display_name', patch.displayName);
      if (patch.role !== undefined) set('role', patch.role);
      if (patch.passwordHash !== undefined) set('password_hash', patch.passwordHash);
      if (patch.disabled !== undefined) set('disabled', patch.disabled);
      const tenancy = patchedTenancy(userFromRow(current.rows[0]), patch);
      if (tenancy) {
        set('comune', tenancy.comune);
        set('granted_comuni', tenancy.grantedComuni);
      }
      set('updated_at', new Date().toISOString());
      params.push(id);
      const { rows } = await client.query<Row>(
        `UPDATE ${this.t('users')} SET ${sets.join(', ')} WHERE id = $${params.length} RETURNING *`,
        clean(params),
      );
      await client.query('COMMIT');
      return userFromRow(rows[0]!);
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  async setOidcSubject(id: string, subject: string | null): Promise<User | null> {
    try {
      const { rows } = await this.query(
        `UPDATE ${this.t('users')} SET oidc_subject = $1, updated_at = $2 WHERE id = $3 RETURNING *`,
        [subject, new Date().toISOString(), id],
      );
      return rows[0] ? userFromRow(rows[0]) : null;
    } catch (err) {
      if (uniqueViolation(err) !== null) throw new OidcSubjectTakenError();
      throw err;
    }
  }

  async createToken(input: { tokenHash: string; userId: string; label: string }): Promise<ApiToken> {
    const { rows } = await this.query(
      `INSERT INTO ${this.t('api_tokens')} (id, user_id, label, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)
       RETURNING *`,
      [randomUUID(), input.userId, input.label, input.tokenHash, new Date().toISOString()],
    );
    return tokenFromRow(rows[0]!);
  }

  async resolveToken(tokenHash: string): Promise<{ token: ApiToken; user: User } | null> {
    const { rows } = await this.query(
      `SELECT * FROM ${this.t('api_tokens')} WHERE token_hash = $1 AND revoked_at IS NULL`,
      [tokenHash],
    );
    const row = rows[0];
    if (!row) return null;
    const user = await this.getUser(String(row.user_id));
    if (!user) return null;
    const now = Date.now();
    const updated = await this.query(
      `UPDATE ${this.t('api_tokens')} SET last_used_at = $1
       WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3) RETURNING *`,
      [new Date(now).toISOString(), row.id, new Date(now - LAST_USED_RESOLUTION_MS).toISOString()],
    );
    return { token: tokenFromRow(updated.rows[0] ?? row), user };
  }

  async listTokens(userId: string): Promise<ApiToken[]> {
    const { rows } = await this.query(
      `SELECT * FROM ${this.t('api_tokens')} WHERE user_id = $1 ORDER BY created_at, id`,
      [userId],
    );
    return rows.map(tokenFromRow);
  }

  async revokeToken(id: string): Promise<boolean> {
    const { rowCount } = await this.query(
      `UPDATE ${this.t('api_tokens')} SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`,
      [new Date().toISOString(), id],
    );
    return (rowCount ?? 0) > 0;
  }

  async appendAudit(entry: NewAuditEntry): Promise<AuditEntry> {
    const { rows } = await this.query(
      `INSERT INTO ${this.t('audit_log')} (at, actor, actor_name, role, action, target_type, target_id, detail, ip,
         comune) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10) RETURNING *`,
      [
        (entry.at === undefined ? new Date() : new Date(entry.at)).toISOString(),
        entry.actor,
        entry.actorName ?? null,
        entry.role ?? null,
        entry.action,
        entry.targetType ?? null,
        entry.targetId ?? null,
        toJson(entry.detail),
        entry.ip ?? null,
        entry.comune ?? null,
      ],
    );
    return auditFromRow(rows[0]!);
  }

  async listAudit(filter: AuditFilter = {}): Promise<{ entries: AuditEntry[]; total: number }> {
    const { where, params } = auditWhere(filter, (i) => `$${i}`);
    const { limit, offset } = auditPage(filter);
    const n = params.length;
    const [page, count] = await Promise.all([
      this.query(
        `SELECT * FROM ${this.t('audit_log')} ${where} ORDER BY at DESC, id DESC LIMIT $${n + 1} OFFSET $${n + 2}`,
        [...params, limit, offset],
      ),
      this.query(`SELECT count(*) AS n FROM ${this.t('audit_log')} ${where}`, params),
    ]);
    return { entries: page.rows.map(auditFromRow), total: Number(count.rows[0]!.n) };
  }
}
