// User administration (admin only, per the access policy): list, create, change role / name / password / Comune,
// disable, and API tokens. A password change or a disabled account ends that user's sessions at once. A union-level
// administrator manages everybody; a Comune-level one (an admin with a home Comune) only the staff of the Comuni they
// act on, never union-level users or professionals, and grants only Comuni they act on.
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import { newApiToken } from '../../auth/api-token.ts';
import type { User } from '../../auth/auth-store.ts';
import { FORBIDDEN_MESSAGE, publicUser, requireUser, type AuthUser } from '../../auth/auth-user.ts';
import { hashPassword } from '../../auth/password.ts';
import { ROLES, type Role } from '../../auth/roles.ts';
import { USER_ID } from '../../classify/review.service.ts';
import { comuneCodeSchema, comuneOf } from '../../tenancy/comuni.ts';
import { actsOn } from '../../tenancy/tenant-scope.ts';
import type { AppServices } from '../../workers/services.ts';

// Usernames double as the actor written in review and practice events, hence the same pattern.
const username = z.string().trim().regex(USER_ID, 'nome utente: lettere, cifre e . _ @ - (al massimo 64 caratteri)');
const displayName = z.string().trim().min(1).max(200);
const password = z.string().min(8, 'la password deve avere almeno 8 caratteri').max(1000);
const role = z.enum(ROLES);
/** Home Comune: a code of the union, or null for union level. */
const comune = comuneCodeSchema.nullable();
const grantedComuni = z.array(comuneCodeSchema).max(200);
const idParams = z.object({ id: z.string().uuid() });
const tokenParams = z.object({ id: z.string().uuid(), tokenId: z.string().uuid() });

const createBody = z
  .object({
    username,
    displayName,
    role,
    password: password.optional(),
    comune: comune.optional(),
    grantedComuni: grantedComuni.optional(),
  })
  .strict();
const patchBody = z
  .object({
    displayName: displayName.optional(),
    role: role.optional(),
    password: password.optional(),
    disabled: z.boolean().optional(),
    comune: comune.optional(),
    grantedComuni: grantedComuni.optional(),
  })
  .strict();
const tokenBody = z.object({ label: z.string().trim().min(1).max(200) }).strict();

const notFound = { error: { code: 'NOT_FOUND', message: 'Utente non trovato' } };
const forbidden = (reply: FastifyReply) =>
  reply.status(403).send({ error: { code: 'FORBIDDEN', message: FORBIDDEN_MESSAGE } });

const isUnionLevel = (actor: AuthUser) => actor.scope.full === '*';

/** Whether the administrator manages the user: union level everybody, else staff whose home Comune they act on. */
export function manages(actor: AuthUser, user: Pick<User, 'comune'>): boolean {
  return isUnionLevel(actor) || (user.comune !== null && actsOn(actor.scope, user.comune));
}

/**
 * The grants a Comune-level administrator may write: those requested within their scope, plus the user's grants
 * outside it (which they can neither see through nor revoke); null when they ask for a Comune outside their scope
 * that the user does not hold already.
 */
function grantsWithinScope(actor: AuthUser, requested: readonly string[], held: readonly string[]): string[] | null {
  if (isUnionLevel(actor)) return [...requested];
  if (requested.some((c) => !actsOn(actor.scope, c) && !held.includes(c))) return null;
  return [
    ...new Set([...requested.filter((c) => actsOn(actor.scope, c)), ...held.filter((c) => !actsOn(actor.scope, c))]),
  ];
}

export function userRoutes(services: AppServices): FastifyPluginAsync {
  const { auth, sessions, config } = services;

  /** Throws UnknownComuneError (400) for a code the union does not have. */
  function checkKnown(codes: ReadonlyArray<string | null | undefined>): void {
    for (const code of codes) if (code) comuneOf(config.union, code);
  }

  const isUnionAdmin = (u: { role: Role; disabled: boolean; comune: string | null }) =>
    u.role === 'admin' && !u.disabled && u.comune === null;

  /** Whether the change would leave no enabled union-level administrator (nobody could manage every user any more). */
  async function removesLastAdmin(
    user: User,
    change: { role?: Role; disabled?: boolean; comune?: string | null },
  ): Promise<boolean> {
    const after = {
      role: change.role ?? user.role,
      disabled: change.disabled ?? user.disabled,
      comune: change.comune === undefined ? user.comune : change.comune,
    };
    if (!isUnionAdmin(user) || isUnionAdmin(after)) return false;
    return !(await auth.listUsers()).some((u) => u.id !== user.id && isUnionAdmin(u));
  }

  /** The user of `id` when the administrator manages them, else null (answered as 404: no existence leak). */
  async function managedUser(actor: AuthUser, id: string): Promise<User | null> {
    const user = await auth.getUser(id);
    return user && manages(actor, user) ? user : null;
  }

  return async (app) => {
    app.get('/users', async (req) => {
      const actor = requireUser(req);
      return { users: (await auth.listUsers()).filter((u) => manages(actor, u)).map(publicUser) };
    });

    app.post('/users', async (req, reply) => {
      const actor = requireUser(req);
      const body = createBody.parse(req.body ?? {});
      checkKnown([body.comune, ...(body.grantedComuni ?? [])]);
      const professional = body.role === 'professional';
      // Staff created without a Comune belong to the union's default Comune (or to their Comune-level creator's).
      const home = professional
        ? null
        : body.comune !== undefined
          ? body.comune
          : (actor.comune ?? config.union.defaultComune);
      if (!isUnionLevel(actor)) {
        // Professionals and union-level staff act across the union: only a union-level administrator creates them.
        if (home === null || !actsOn(actor.scope, home)) return forbidden(reply);
      }
      const grants = grantsWithinScope(actor, professional ? [] : (body.grantedComuni ?? []), []);
      if (!grants) return forbidden(reply);
      const user = await auth.createUser({
        username: body.username,
        displayName: body.displayName,
        role: body.role,
        comune: home,
        grantedComuni: grants,
        passwordHash: body.password ? await hashPassword(body.password) : null,
      });
      req.auditNote = {
        targetId: user.id,
        detail: {
          username: user.username,
          role: user.role,
          comune: user.comune,
          ...(user.grantedComuni.length ? { grantedComuni: user.grantedComuni } : {}),
        },
        ...(user.comune ? { comune: user.comune } : {}),
      };
      return reply.status(201).send({ user: publicUser(user) });
    });

    app.patch('/users/:id', async (req, reply) => {
      const actor = requireUser(req);
      const { id } = idParams.parse(req.params);
      const body = patchBody.parse(req.body ?? {});
      checkKnown([body.comune, ...(body.grantedComuni ?? [])]);
      const before = await managedUser(actor, id);
      if (!before) return reply.status(404).send(notFound);
      let grants: string[] | undefined;
      if (!isUnionLevel(actor)) {
        if (body.role === 'professional') return forbidden(reply);
        if (body.comune !== undefined && (body.comune === null || !actsOn(actor.scope, body.comune))) {
          return forbidden(reply);
        }
      }
      if (body.grantedComuni !== undefined) {
        const allowed = grantsWithinScope(actor, body.grantedComuni, before.grantedComuni);
        if (!allowed) return forbidden(reply);
        grants = allowed;
      }
      if (await removesLastAdmin(before, body)) {
        return reply.status(409).send({
          error: { code: 'LAST_ADMIN', message: "Deve restare almeno un amministratore attivo dell'Unione" },
        });
      }
      const user = await auth.updateUser(id, {
        displayName: body.displayName,
        role: body.role,
        disabled: body.disabled,
        comune: body.comune,
        grantedComuni: grants,
        ...(body.password ? { passwordHash: await hashPassword(body.password) } : {}),
      });
      if (!user) return reply.status(404).send(notFound);
      const endedSessions = body.password || body.disabled === true ? await sessions.destroyForUser(id) : 0;
      req.auditNote = {
        detail: {
          username: user.username,
          fields: Object.keys(body).sort(),
          ...(body.role ? { role: body.role } : {}),
          ...(body.disabled !== undefined ? { disabled: body.disabled } : {}),
          ...(body.comune !== undefined ? { comune: user.comune } : {}),
          ...(body.grantedComuni !== undefined ? { grantedComuni: user.grantedComuni } : {}),
          ...(endedSessions ? { endedSessions } : {}),
        },
        ...((user.comune ?? before.comune) ? { comune: (user.comune ?? before.comune)! } : {}),
      };
      return { user: publicUser(user) };
    });

    app.get('/users/:id/tokens', async (req, reply) => {
      const { id } = idParams.parse(req.params);
      if (!(await managedUser(requireUser(req), id))) return reply.status(404).send(notFound);
      return { tokens: await auth.listTokens(id) };
    });

    app.post('/users/:id/tokens', async (req, reply) => {
      const { id } = idParams.parse(req.params);
      const { label } = tokenBody.parse(req.body ?? {});
      const user = await managedUser(requireUser(req), id);
      if (!user) return reply.status(404).send(notFound);
      const { token, tokenHash } = newApiToken();
      const record = await auth.createToken({ tokenHash, userId: id, label });
      req.auditNote = {
        targetId: record.id,
        detail: { userId: id, username: user.username, label },
        ...(user.comune ? { comune: user.comune } : {}),
      };
      // The secret is shown this once; only its hash is stored.
      return reply.status(201).send({ token, ...record });
    });

    app.delete('/users/:id/tokens/:tokenId', async (req, reply) => {
      const { id, tokenId } = tokenParams.parse(req.params);
      const user = await managedUser(requireUser(req), id);
      const owned = user !== null && (await auth.listTokens(id)).some((t) => t.id === tokenId);
      if (!owned || !(await auth.revokeToken(tokenId))) {
        return reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'Token non trovato o già revocato' } });
      }
      if (user.comune) req.auditNote = { comune: user.comune };
      return reply.status(204).send();
    });
  };
}
