// A logged-in user of the API over real HTTP, as the web app is one: session cookie from POST /api/auth/login and the
// CSRF token sent on every unsafe request.

/** Error body of every API failure. */
export interface ApiError {
  error?: { code: string; message: string };
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
}

export class ApiClient {
  private constructor(
    readonly url: string,
    readonly username: string,
    private readonly cookie: string,
    private readonly csrfToken: string,
  ) {}

  static async login(url: string, username: string, password: string): Promise<ApiClient> {
    const res = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    const body = (await res.json().catch(() => ({}))) as { csrfToken?: string } & ApiError;
    if (res.status !== 200) throw new Error(`login of ${username} answered ${res.status}: ${JSON.stringify(body)}`);
    const cookie = res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0]!)
      .find((c) => c.startsWith('faldone_session='));
    if (!cookie) throw new Error(`login of ${username} set no faldone_session cookie`);
    if (!body.csrfToken) throw new Error(`login of ${username} returned no csrfToken`);
    return new ApiClient(url, username, cookie, body.csrfToken);
  }

  async call<T = any>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { cookie: this.cookie };
    if (method !== 'GET' && method !== 'HEAD') headers['x-csrf-token'] = this.csrfToken;
    let payload: BodyInit | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await fetch(`${this.url}/api${path}`, { method, headers, body: payload });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text for the error message
    }
    return { status: res.status, body: parsed as T };
  }

  /** Upload files as one batch (POST /api/batches); returns the batch id and each file's document id. */
  async upload(
    files: Array<{ name: string; data: Uint8Array }>,
    label = 'prova',
  ): Promise<{ batchId: string; items: Array<{ filename: string; documentId?: string; outcome: string }> }> {
    const form = new FormData();
    for (const f of files) form.append('file', new Blob([new Uint8Array(f.data)]), f.name);
    const res = await this.call('POST', `/batches?label=${encodeURIComponent(label)}`, form);
    if (res.status !== 201)
      throw new Error(`upload as ${this.username} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return { batchId: res.body.batch.id, items: res.body.items };
  }
}
