// Versioned models in the ObjectStore:
//   models/<task>/<version>.json   one trained model (weights, temperature, metrics, training-data hash, date)
//   models/<task>/current.json     pointer: the version in use and the history of earlier pointers
//   models/<task>/claims/<version>/<token>   short-lived reservation of a version number while it is being saved
// Versions are "v0001", "v0002"… (next free number). Promote moves the pointer to any saved version; rollback moves
// it back to the version that was current before. Models are never overwritten or deleted here.
//
// Two saves never take the same version, even from two processes: the ObjectStore has no create-if-absent, so a
// saver writes a claim for the next number, lists the claims of that number, and keeps the number only when its
// claim is the only one (else it withdraws and retries after a random pause). Of two savers, the one that lists last
// always sees the other's claim, so at most one keeps a number; the claim is removed once the model is written, and
// numbering counts claims as taken, so a claim left by a crash only leaves a gap. This relies on listings seeing
// every completed put (true for the filesystem, S3 and MinIO). Within one process, saves and pointer moves of a task
// are also queued one after the other.
//
// Weights are stored sparse (only features with a non-zero weight) as base64 little-endian Float32 / Int32, so a
// model of a few hundred thousand active features stays a few MB of JSON and loads bit-identical.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { ObjectNotFoundError, type ObjectStore } from '../../store/object-store.ts';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, type ClassifierModel } from './classifier.ts';

const TASK_RE = /^[A-Za-z0-9_-]{1,64}$/;
const VERSION_RE = /^v(\d{4,})$/;

export interface CurrentPointer {
  task: string;
  version: string;
  promotedAt: string;
  /** Earlier pointers, most recent first. */
  history: Array<{ version: string; promotedAt: string }>;
}

export interface ModelSummary {
  task: string;
  version: string;
  createdAt: string;
  rows: number;
  dataHash: string;
  accuracy: number;
  macroF1: number;
  current: boolean;
  source: string;
  gate?: ClassifierModel['gate'];
}

const pointerSchema = z.object({
  task: z.string(),
  version: z.string().regex(VERSION_RE),
  promotedAt: z.string(),
  history: z.array(z.object({ version: z.string().regex(VERSION_RE), promotedAt: z.string() })),
});

const storedSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  formatVersion: z.number().int(),
  task: z.string(),
  version: z.string().optional(),
  createdAt: z.string(),
  features: z.object({
    bits: z.number().int().min(8).max(24),
    charNgrams: z.object({ min: z.number().int(), max: z.number().int() }),
    weights: z.object({ w: z.number(), b: z.number(), s: z.number(), c: z.number(), e: z.number() }),
    entities: z.boolean(),
  }),
  linear: z.object({
    dim: z.number().int().positive(),
    labels: z.array(z.string()).min(1),
    bias: z.string(),
    rows: z.string(),
    weights: z.string(),
  }),
  temperature: z.number().positive(),
  threshold: z.number(),
  training: z.record(z.string(), z.unknown()),
  metrics: z.record(z.string(), z.unknown()),
  gate: z.record(z.string(), z.unknown()).optional(),
});

export class ModelNotFoundError extends Error {
  constructor(
    readonly task: string,
    readonly version?: string,
  ) {
    super(version ? `no model ${task}/${version}` : `no current model for ${task}`);
    this.name = 'ModelNotFoundError';
  }
}

function checkTask(task: string): string {
  if (!TASK_RE.test(task)) throw new Error(`invalid task name ${JSON.stringify(task)}`);
  return task;
}

const modelKey = (task: string, version: string): string => `models/${checkTask(task)}/${version}.json`;
const currentKey = (task: string): string => `models/${checkTask(task)}/current.json`;
const claimsPrefix = (task: string, version: string): string => `models/${checkTask(task)}/claims/${version}/`;
const versionName = (n: number): string => `v${String(n).padStart(4, '0')}`;
const CLAIM_ATTEMPTS = 50;

/** Per object store and task: the tail of the queue of saves and pointer moves in this process. */
const queues = new WeakMap<ObjectStore, Map<string, Promise<unknown>>>();

// ---- (de)serialisation ---------------------------------------------------------------------------------------

function b64(a: Float32Array | Int32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function fromB64<T extends Float32Array | Int32Array>(
  s: string,
  Ctor: { new (buf: ArrayBuffer): T; BYTES_PER_ELEMENT: number },
): T {
  const buf = Buffer.from(s, 'base64');
  const copy = new ArrayBuffer(buf.byteLength);
  new Uint8Array(copy).set(buf);
  return new Ctor(copy);
}

export function serializeModel(model: ClassifierModel): string {
  const { dim, labels, weights, bias } = model.linear;
  const K = labels.length;
  const rows: number[] = [];
  for (let j = 0; j < dim; j++) {
    for (let c = 0; c < K; c++) {
      if (weights[j * K + c] !== 0) {
        rows.push(j);
        break;
      }
    }
  }
  const packed = new Float32Array(rows.length * K);
  rows.forEach((j, r) => packed.set(weights.subarray(j * K, j * K + K), r * K));
  return JSON.stringify({
    ...model,
    linear: { dim, labels, bias: b64(bias), rows: b64(Int32Array.from(rows)), weights: b64(packed) },
  });
}

export function deserializeModel(json: string): ClassifierModel {
  const raw = storedSchema.parse(JSON.parse(json));
  if (raw.formatVersion > MODEL_FORMAT_VERSION)
    throw new Error(`model format ${raw.formatVersion} is newer than this code (${MODEL_FORMAT_VERSION})`);
  const { dim, labels } = raw.linear;
  const K = labels.length;
  const rows = fromB64(raw.linear.rows, Int32Array);
  const packed = fromB64(raw.linear.weights, Float32Array);
  const bias = fromB64(raw.linear.bias, Float32Array);
  if (packed.length !== rows.length * K || bias.length !== K) throw new Error('model weights do not match its labels');
  const weights = new Float32Array(dim * K);
  rows.forEach((j, r) => weights.set(packed.subarray(r * K, r * K + K), j * K));
  return { ...(raw as unknown as ClassifierModel), linear: { dim, labels, weights, bias } };
}

// ---- store ---------------------------------------------------------------------------------------------------

export class ModelStore {
  constructor(private readonly store: ObjectStore) {}

  /** Saves the model as the next version; makes it current when `promote` (default true). Returns the version. */
  async save(model: ClassifierModel, opts: { promote?: boolean } = {}): Promise<string> {
    const task = checkTask(model.task);
    return this.serialized(task, async () => {
      const version = await this.reserveAndWrite(model);
      if (opts.promote ?? true) await this.writePointer(await this.nextPointer(task, version));
      return version;
    });
  }

  private async reserveAndWrite(model: ClassifierModel): Promise<string> {
    const task = model.task;
    for (let attempt = 1; attempt <= CLAIM_ATTEMPTS; attempt++) {
      const version = versionName((await this.highestTaken(task)) + 1);
      const claim = `${claimsPrefix(task, version)}${Date.now()}-${randomUUID()}`;
      await this.store.put(claim, Buffer.from(`${new Date().toISOString()}\n`));
      const claims: string[] = [];
      for await (const key of this.store.list(claimsPrefix(task, version))) claims.push(key);
      // A model already there means our count was stale (its claim came and went before we counted).
      if (claims.length === 1 && claims[0] === claim && !(await this.versions(task)).includes(version)) {
        try {
          model.version = version;
          await this.store.put(modelKey(task, version), Buffer.from(serializeModel(model)), {
            contentType: 'application/json',
          });
        } finally {
          await this.store.delete(claim);
        }
        return version;
      }
      await this.store.delete(claim);
      await sleep(Math.round(Math.random() * 20 * Math.min(attempt, 10)));
    }
    throw new Error(`${task}: could not reserve a model version after ${CLAIM_ATTEMPTS} attempts`);
  }

  /** The highest version number saved or claimed (0 when none). */
  private async highestTaken(task: string): Promise<number> {
    let max = 0;
    for await (const key of this.store.list(`models/${checkTask(task)}/`)) {
      const rest = key.slice(`models/${task}/`.length);
      const name = rest.startsWith('claims/') ? rest.split('/')[1]! : rest.replace(/\.json$/, '');
      const m = VERSION_RE.exec(name);
      if (m) max = Math.max(max, Number(m[1]));
    }
    return max;
  }

  /** Runs `fn` after every earlier save or pointer move of the task in this process. */
  private serialized<T>(task: string, fn: () => Promise<T>): Promise<T> {
    let byTask = queues.get(this.store);
    if (!byTask) queues.set(this.store, (byTask = new Map()));
    const run = (byTask.get(task) ?? Promise.resolve()).then(fn, fn);
    byTask.set(
      task,
      run.catch(() => undefined),
    );
    return run;
  }

  /** Tasks that have at least one saved model. */
  async tasks(): Promise<string[]> {
    const out = new Set<string>();
    for await (const key of this.store.list('models/')) {
      const [, task, file] = key.split('/');
      if (task && file && TASK_RE.test(task) && VERSION_RE.test(file.replace(/\.json$/, ''))) out.add(task);
    }
    return [...out].sort();
  }

  /** Saved versions of a task, oldest first. */
  async versions(task: string): Promise<string[]> {
    const out: string[] = [];
    for await (const key of this.store.list(`models/${checkTask(task)}/`)) {
      const rest = key.slice(`models/${task}/`.length);
      if (rest.includes('/') || !rest.endsWith('.json')) continue; // claims/…
      const name = rest.replace(/\.json$/, '');
      if (VERSION_RE.test(name)) out.push(name);
    }
    return out.sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
  }

  async current(task: string): Promise<CurrentPointer | null> {
    if (!(await this.store.head(currentKey(task)))) return null;
    return pointerSchema.parse(JSON.parse((await this.store.getBuffer(currentKey(task))).toString('utf8')));
  }

  /** A version, or the current one when `version` is omitted. */
  async load(task: string, version?: string): Promise<ClassifierModel> {
    const v = version ?? (await this.current(task))?.version;
    if (!v) throw new ModelNotFoundError(task);
    if (!VERSION_RE.test(v)) throw new Error(`invalid version ${JSON.stringify(v)}`);
    if (!(await this.store.head(modelKey(task, v)))) throw new ModelNotFoundError(task, v);
    const model = deserializeModel((await this.store.getBuffer(modelKey(task, v))).toString('utf8'));
    model.version = v;
    return model;
  }

  /** When a version was trained, without decoding its weights. */
  async createdAt(task: string, version: string): Promise<string> {
    return (await this.header(task, version)).createdAt;
  }

  /** A saved model's description (dates, training, metrics, gate) without its weights. */
  private async header(task: string, version: string): Promise<Omit<ClassifierModel, 'linear'>> {
    if (!VERSION_RE.test(version)) throw new Error(`invalid version ${JSON.stringify(version)}`);
    let buf: Buffer;
    try {
      buf = await this.store.getBuffer(modelKey(task, version));
    } catch (err) {
      if (err instanceof ObjectNotFoundError) throw new ModelNotFoundError(task, version);
      throw err;
    }
    const { linear: _weights, ...rest } = storedSchema.parse(JSON.parse(buf.toString('utf8')));
    return rest as unknown as Omit<ClassifierModel, 'linear'>;
  }

  async promote(task: string, version: string): Promise<CurrentPointer> {
    return this.serialized(checkTask(task), async () => {
      const pointer = await this.nextPointer(task, version);
      await this.writePointer(pointer);
      return pointer;
    });
  }

  private async nextPointer(task: string, version: string): Promise<CurrentPointer> {
    if (!VERSION_RE.test(version)) throw new Error(`invalid version ${JSON.stringify(version)}`);
    if (!(await this.store.head(modelKey(task, version)))) throw new ModelNotFoundError(task, version);
    const before = await this.current(task);
    return {
      task,
      version,
      promotedAt: new Date().toISOString(),
      history: before ? [{ version: before.version, promotedAt: before.promotedAt }, ...before.history] : [],
    };
  }

  /** Back to the version that was current before the present one (or to `to`, any saved version). */
  async rollback(task: string, to?: string): Promise<CurrentPointer> {
    if (to) return this.promote(task, to);
    return this.serialized(checkTask(task), async () => {
      const now = await this.current(task);
      if (!now) throw new ModelNotFoundError(task);
      const [previous, ...older] = now.history;
      if (!previous) throw new Error(`${task}: no earlier version to roll back to`);
      const pointer: CurrentPointer = {
        task,
        version: previous.version,
        promotedAt: new Date().toISOString(),
        history: older,
      };
      await this.writePointer(pointer);
      return pointer;
    });
  }

  async list(task: string): Promise<ModelSummary[]> {
    const current = (await this.current(task))?.version;
    const out: ModelSummary[] = [];
    for (const version of await this.versions(task)) {
      const m = await this.header(task, version);
      out.push({
        task,
        version,
        createdAt: m.createdAt,
        rows: m.training.rows,
        dataHash: m.training.dataHash,
        accuracy: m.metrics.accuracy,
        macroF1: m.metrics.macroF1,
        current: version === current,
        source: m.training.source,
        ...(m.gate ? { gate: m.gate } : {}),
      });
    }
    return out;
  }

  private async writePointer(p: CurrentPointer): Promise<void> {
    await this.store.put(currentKey(p.task), Buffer.from(`${JSON.stringify(p, null, 2)}\n`), {
      contentType: 'application/json',
    });
  }
}
