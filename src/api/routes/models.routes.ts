// The routing models: their versions with held-out metrics and which one is current, retraining on demand (run by
// the maintenance workers; the answer is their report), promotion and rollback. Every change names its user.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ROUTING_TASKS } from '../../classify/learning/training-corrections.ts';
import { ModelNotFoundError, ModelStore } from '../../classify/model/model.store.ts';
import { invalidateCurrentModels } from '../../classify/routing.ts';
import { requestRetrain } from '../../workers/maintenance.runner.ts';
import type { AppServices } from '../../workers/services.ts';
import { requireUser } from '../../auth/auth-user.ts';

const VERSION = /^v\d{4,}$/;
const taskParams = z.object({ task: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });
const retrainBody = z.object({ tasks: z.array(z.enum(ROUTING_TASKS)).min(1).optional() }).strict();
const rollbackBody = z.object({ to: z.string().regex(VERSION).optional() }).strict();
const promoteBody = z.object({ version: z.string().regex(VERSION) }).strict();

/** How long POST /models/retrain waits for the report before answering 202 with the job id. */
const RETRAIN_WAIT_MS = 15 * 60_000;

/** The acting user: the logged-in user's username (set by the auth plugin); the auth error answers 401 without one. */
function actingUser(req: FastifyRequest, _reply: FastifyReply): string | null {
  return requireUser(req).username;
}

function notFound(reply: FastifyReply, err: ModelNotFoundError) {
  return reply.status(404).send({ error: { code: 'NOT_FOUND', message: err.message } });
}

export function modelRoutes(services: AppServices): FastifyPluginAsync {
  const { store, db } = services;
  const models = new ModelStore(store);
  return async (app) => {
    app.get('/models', async () => {
      const tasks = [];
      for (const task of await models.tasks()) {
        const versions = await models.list(task);
        tasks.push({ task, current: versions.find((v) => v.current)?.version ?? null, versions });
      }
      return { tasks };
    });

    app.post('/models/retrain', async (req, reply) => {
      const user = actingUser(req, reply);
      if (!user) return reply;
      const body = retrainBody.parse(req.body ?? {});
      const { jobId, report } = await requestRetrain(
        services,
        { tasks: body.tasks, actor: user, trigger: 'api' },
        RETRAIN_WAIT_MS,
      );
      if (!report) return reply.status(202).send({ jobId, status: 'running' });
      invalidateCurrentModels(store);
      return { jobId, report };
    });

    app.post('/models/:task/rollback', async (req, reply) => {
      const user = actingUser(req, reply);
      if (!user) return reply;
      const { task } = taskParams.parse(req.params);
      const { to } = rollbackBody.parse(req.body ?? {});
      const before = (await models.current(task))?.version ?? null;
      try {
        const pointer = await models.rollback(task, to);
        invalidateCurrentModels(store);
        await db.addEvent({
          type: 'model.rolledBack',
          actor: user,
          detail: { task, from: before, to: pointer.version },
        });
        return { task, current: pointer.version, previous: before, pointer };
      } catch (err) {
        if (err instanceof ModelNotFoundError) return notFound(reply, err);
        if (err instanceof Error && /no earlier version/.test(err.message)) {
          return reply.status(409).send({ error: { code: 'NO_EARLIER_VERSION', message: err.message } });
        }
        throw err;
      }
    });

    app.post('/models/:task/promote', async (req, reply) => {
      const user = actingUser(req, reply);
      if (!user) return reply;
      const { task } = taskParams.parse(req.params);
      const { version } = promoteBody.parse(req.body ?? {});
      const before = (await models.current(task))?.version ?? null;
      try {
        const pointer = await models.promote(task, version);
        invalidateCurrentModels(store);
        await db.addEvent({ type: 'model.promoted', actor: user, detail: { task, from: before, to: version } });
        return { task, current: pointer.version, previous: before, pointer };
      } catch (err) {
        if (err instanceof ModelNotFoundError) return notFound(reply, err);
        throw err;
      }
    });
  };
}
