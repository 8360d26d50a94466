// Versioned models in the ObjectStore:
//   models/<task>/<version>.json   one trained model (weights, temperature, metrics, training-data hash, date)
//   models/<task>/current.json     pointer: the version in use and the history of earlier pointers
// Versions are "v0001", "v0002"… (next free number). Promote moves the pointer to any saved version; rollback moves
// it back to the version that was current before. Models are never overwritten or deleted here.
//
// Weights are stored sparse (only features with a non-zero weight) as base64 little-endian Float32 / Int32, so a
// model of a few hundred thousand active features stays a few MB of JSON and loads bit-identical.
import { z } from 'zod';
import type { ObjectStore } from '../../store/object-store.ts';
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
    const versions = await this.versions(model.task);
    const last = versions.at(-1);
    const next = last ? Number(VERSION_RE.exec(last)![1]) + 1 : 1;
    const version = `v${String(next).padStart(4, '0')}`;
    model.version = version;
    await this.store.put(modelKey(model.task, version), Buffer.from(serializeModel(model)), {
      contentType: 'application/json',
    });
    if (opts.promote ?? true) await this.promote(model.task, version);
    return version;
  }

  /** Saved versions of a task, oldest first. */
  async versions(task: string): Promise<string[]> {
    const out: string[] = [];
    for await (const key of this.store.list(`models/${checkTask(task)}/`)) {
      const name = key.slice(key.lastIndexOf('/') + 1).replace(/\.json$/, '');
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

  async promote(task: string, version: string): Promise<CurrentPointer> {
    if (!(await this.store.head(modelKey(task, version)))) throw new ModelNotFoundError(task, version);
    const before = await this.current(task);
    const pointer: CurrentPointer = {
      task,
      version,
      promotedAt: new Date().toISOString(),
      history: before ? [{ version: before.version, promotedAt: before.promotedAt }, ...before.history] : [],
    };
    await this.writePointer(pointer);
    return pointer;
  }

  /** Back to the version that was current before the present one (or to `to`, any saved version). */
  async rollback(task: string, to?: string): Promise<CurrentPointer> {
    const now = await this.current(task);
    if (!now) throw new ModelNotFoundError(task);
    if (to) return this.promote(task, to);
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
  }

  async list(task: string): Promise<ModelSummary[]> {
    const current = (await this.current(task))?.version;
    const out: ModelSummary[] = [];
    for (const version of await this.versions(task)) {
      const m = await this.load(task, version);
      out.push({
        task,
        version,
        createdAt: m.createdAt,
        rows: m.training.rows,
        dataHash: m.training.dataHash,
        accuracy: m.metrics.accuracy,
        macroF1: m.metrics.macroF1,
        current: version === current,
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
