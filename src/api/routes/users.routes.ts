// User administration (admin only, per the access policy): list, create, change role / name / password, disable, and
// API tokens. A password change or a disabled account ends that user's sessions at once.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { newApiToken } from '../../auth/api-token.ts';
import type { User } from '../../auth/auth-store.ts';
import { publicUser } from '../../auth/auth-user.ts';
import { hashPassword } from '../../auth/password.ts';
import { ROLES } from '../../auth/roles.ts';
import { USER_ID } from '../../classify/review.service.ts';
import type { AppServices } from '../../workers/services.ts';

// Usernames double as the actor written in review and practice events, hence the same pattern.
const username = z.string().trim().regex(USER_ID, 'nome utente: lettere, cifre e . _ @ - (al massimo 64 caratteri)');
const displayName = z.string().trim().min(1).max(200);
const password = z.string().min(8, 'la password deve avere almeno 8 caratteri').max(1000);
const role = z.enum(ROLES);
const idParams = z.object({ id: z.string().uuid() });
const tokenParams = z.object({ id: z.string().uuid(), tokenId: z.string().uuid() });

const createBody = z.object({ username, displayName, role, password: password.optional() }).strict();
const patchBody = z
  .object({
    displayName: displayName.optional(),
    role: role.optional(),
    password: password.optional(),
    disabled: z.boolean().optional(),
  })
  .strict();
const tokenBody = z.object({ label: z.string().trim().min(1).max(200) }).strict();

const notFound = { error: { code: 'NOT_FOUND', message: 'Utente non trovato' } };

export function userRoutes(services: AppServices): FastifyPluginAsync {
  const { auth, sessions } = services;

  /** Whether the change would leave no enabled administrator (nobody could manage users any more). */
  async function removesLastAdmin(user: User, change: { role?: string; disabled?: boolean }): Promise<boolean> {
    const staysAdmin = (change.role ?? user.role) === 'admin' && !(change.disabled ?? user.disabled);
    if (user.role !== 'admin' || user.disabled || staysAdmin) return false;
    const admins = (await auth.listUsers()).filter((u) => u.role === 'admin' && !u.disabled && u.id !== user.id);
    return admins.length === 0;
  }

  return async (app) => {
    app.get('/users', async () => ({ users: (await auth.listUsers()).map(publicUser) }));

    app.post('/users', async (req, reply) => {
      const body = createBody.parse(req.body ?? {});
      const user = await auth.createUser({
        username: body.username,
        displayName: body.displayName,
        role: body.role,
        passwordHash: body.password ? await hashPassword(body.password) : null,
      });
      req.auditNote = { targetId: user.id, detail: { username: user.username, role: user.role } };
      return reply.status(201).send({ user: publicUser(user) });
    });

    app.patch('/users/:id', async (req, reply) => {
      const { id } = idParams.parse(req.params);
      const body = patchBody.parse(req.body ?? {});
      const before = await auth.getUser(id);
      if (!before) return reply.status(404).send(notFound);
      if (await removesLastAdmin(before, body)) {
        return reply
          .status(409)
          .send({ error: { code: 'LAST_ADMIN', message: 'Deve restare almeno un amministratore attivo' } });
      }
      const user = await auth.updateUser(id, {
        displayName: body.displayName,
        role: body.role,
        disabled: body.disabled,
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
          ...(endedSessions ? { endedSessions } : {}),
        },
      };
      return { user: publicUser(user) };
    });

    app.get('/users/:id/tokens', async (req, reply) => {
      const { id } = idParams.parse(req.params);
      if (!(await auth.getUser(id))) return reply.status(404).send(notFound);
      return { tokens: await auth.listTokens(id) };
    });

    app.post('/users/:id/tokens', async (req, reply) => {
      const { id } = idParams.parse(req.params);
      const { label } = tokenBody.parse(req.body ?? {});
      const user = await auth.getUser(id);
      if (!user) return reply.status(404).send(notFound);
      const { token, tokenHash } = newApiToken();
      const record = await auth.createToken({ tokenHash, userId: id, label });
      req.auditNote = { targetId: record.id, detail: { userId: id, username: user.username, label } };
      // The secret is shown this once; only its hash is stored.
      return reply.status(201).send({ token, ...record });
    });

    app.delete('/users/:id/tokens/:tokenId', async (req, reply) => {
      const { id, tokenId } = tokenParams.parse(req.params);
      const owned = (await auth.listTokens(id)).some((t) => t.id === tokenId);
      if (!owned || !(await auth.revokeToken(tokenId))) {
        return reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'Token non trovato o già revocato' } });
      }
      return reply.status(204).send();
    });
  };
}
