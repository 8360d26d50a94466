// The few Meilisearch HTTP endpoints the search adapter uses, over Node's fetch: JSON in and out, the API key as a
// Bearer token, a timeout per request, and waiting for asynchronous tasks (every write in Meilisearch is a task).
// A plain client instead of the `meilisearch` npm package: the adapter needs eight endpoints, and this keeps the
// request shapes visible and testable (see meili.mapping.ts for what is sent).

export interface MeiliClientOptions {
  url: string;
  apiKey?: string;
  /** Per HTTP request (default 10 s). */
  timeoutMs?: number;
  /** Waiting for one task (default 120 s). */
  taskTimeoutMs?: number;
}

/** An error answered by Meilisearch (HTTP status and its error code, e.g. index_not_found) or by a failed task. */
export class MeiliError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'MeiliError';
  }
}

export interface MeiliTask {
  uid: number;
  status: 'enqueued' | 'processing' | 'succeeded' | 'failed' | 'canceled';
  error?: { message: string; code: string } | null;
}

export class MeiliClient {
  private readonly base: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly taskTimeoutMs: number;

  constructor(opts: MeiliClientOptions) {
    this.base = opts.url.replace(/\/+$/, '');
    this.headers = { 'content-type': 'application/json' };
    if (opts.apiKey) this.headers.authorization = `Bearer ${opts.apiKey}`;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.taskTimeoutMs = opts.taskTimeoutMs ?? 120_000;
  }

  async request<T>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: this.headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new MeiliError(`Meilisearch ${method} ${path}: ${(err as Error).message}`, 0);
    }
    const text = await res.text();
    const json = text === '' ? undefined : (JSON.parse(text) as unknown);
    if (!res.ok) {
      const e = (json ?? {}) as { message?: string; code?: string };
      throw new MeiliError(`Meilisearch ${method} ${path}: ${res.status} ${e.message ?? text}`, res.status, e.code);
    }
    return json as T;
  }

  /** Send a write and wait until its task has succeeded; a failed task throws with Meilisearch's message. */
  async task(method: 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<MeiliTask> {
    const enqueued = await this.request<{ taskUid: number }>(method, path, body);
    return this.waitForTask(enqueued.taskUid);
  }

  async waitForTask(uid: number): Promise<MeiliTask> {
    const deadline = Date.now() + this.taskTimeoutMs;
    let delay = 10;
    for (;;) {
      const t = await this.request<MeiliTask>('GET', `/tasks/${uid}`);
      if (t.status === 'succeeded') return t;
      if (t.status === 'failed' || t.status === 'canceled') {
        throw new MeiliError(`Meilisearch task ${uid} ${t.status}: ${t.error?.message ?? ''}`, 0, t.error?.code);
      }
      if (Date.now() > deadline)
        throw new MeiliError(`Meilisearch task ${uid} still ${t.status} after ${this.taskTimeoutMs} ms`, 0);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(250, delay * 2);
    }
  }
}
