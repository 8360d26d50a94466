// The API client: JSON fetch wrappers that send the session's CSRF token on unsafe methods, turn the API's
// `{error:{code,message}}` into ApiError, and send the user to the login page when the session has expired.
import { clearSessionState, getSessionState, setSessionState } from './session-store.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Further fields of the error body (e.g. comune, practiceKey of ACCESS_REQUEST_REQUIRED). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type QueryValue = string | number | boolean | null | undefined;
export type QueryParams = Record<string, QueryValue | QueryValue[]> | URLSearchParams;

export interface RequestOptions {
  /** Do not redirect to #/login on 401 (the login and "who am I" calls handle it themselves). */
  noAuthRedirect?: boolean;
  signal?: AbortSignal;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Builds `/api/...?a=1&b=2`, leaving out empty values. */
export function apiUrl(path: string, params?: QueryParams): string {
  const search = new URLSearchParams();
  if (params instanceof URLSearchParams) {
    params.forEach((v, k) => v !== '' && search.append(k, v));
  } else if (params) {
    for (const [key, raw] of Object.entries(params)) {
      for (const v of Array.isArray(raw) ? raw : [raw]) {
        if (v === undefined || v === null || v === '') continue;
        search.append(key, String(v));
      }
    }
  }
  const qs = search.toString();
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
}

/** Called on a 401 from any API call: forget the session and go to the login page, coming back here afterwards. */
export function onUnauthorized(): void {
  clearSessionState();
  const here = location.hash.replace(/^#/, '');
  if (here.startsWith('/login')) return;
  const next = here && here !== '/' ? `?next=${encodeURIComponent(here)}` : '';
  location.hash = `#/login${next}`;
}

async function errorFrom(res: Response): Promise<ApiError> {
  let code = `HTTP_${res.status}`;
  let message = res.statusText || `Errore ${res.status}`;
  let details: Record<string, unknown> = {};
  try {
    const body = (await res.json()) as { error?: unknown; message?: unknown };
    if (body?.error && typeof body.error === 'object') {
      const { code: c, message: m, ...rest } = body.error as { code?: string; message?: string };
      code = c ?? code;
      message = m ?? message;
      details = rest;
    } else if (typeof body?.error === 'string') {
      // `{ error: CODE, message }`, the flat form some routes may answer with.
      code = body.error;
      if (typeof body.message === 'string') message = body.message;
    }
  } catch {
    // Not JSON (a proxy's error page): keep the status text.
  }
  if (res.status === 403 && code === `HTTP_403`) message = 'Accesso non consentito';
  return new ApiError(res.status, code, message, details);
}

function csrfHeaders(method: string): Record<string, string> {
  const token = getSessionState().csrfToken;
  return UNSAFE.has(method) && token ? { 'x-csrf-token': token } : {};
}

/** Re-reads the session's CSRF token (after a server restart with a persistent session, or a rotated token). */
async function refreshCsrf(): Promise<boolean> {
  const res = await fetch('/api/auth/me', { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (!res.ok) return false;
  const body = (await res.json()) as { user?: unknown; csrfToken?: string | null };
  if (!body.csrfToken) return false;
  const state = getSessionState();
  setSessionState({ ...state, csrfToken: body.csrfToken });
  return true;
}

async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  options: RequestOptions = {},
  retried = false,
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...csrfHeaders(method) };
  const init: RequestInit = { method, headers, credentials: 'same-origin', signal: options.signal };
  if (body instanceof FormData) {
    init.body = body; // the browser sets the multipart content type with its boundary
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', 'Server non raggiungibile: controllare la connessione e riprovare');
  }
  if (!res.ok) {
    if (res.status === 401 && !options.noAuthRedirect) onUnauthorized();
    const err = await errorFrom(res);
    if (err.code === 'CSRF' && !retried && UNSAFE.has(method) && (await refreshCsrf().catch(() => false))) {
      return request<T>(method, path, body, options, true);
    }
    throw err;
  }
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? await res.json() : await res.text()) as T;
}

/** Progress of one file of an upload: bytes of that file sent so far, out of its size. */
export type UploadProgress = (fileIndex: number, loaded: number, total: number) => void;

/** Multipart bytes a part adds around the file itself (boundary line, headers, CRLFs): an estimate, see upload(). */
function partOverhead(file: File, name: string): number {
  return 160 + name.length + file.type.length;
}

function upload<T>(
  path: string,
  files: File[],
  onProgress?: UploadProgress,
  options: { fieldName?: string; filenames?: string[]; signal?: AbortSignal } = {},
): Promise<T> {
  // One multipart request for all files: POST /api/batches creates one batch per request, and a batch is what the
  // dashboard follows, so per-file requests would split one upload into many batches. Per-file progress is
  // derived from byte offsets: the browser sends the parts in order, so the bytes sent so far fall inside the file
  // whose [start, end) range contains them (part headers are estimated; every bar is set to full on success).
  const field = options.fieldName ?? 'file';
  const form = new FormData();
  const ranges: { start: number; end: number }[] = [];
  let offset = 0;
  files.forEach((file, i) => {
    const name = options.filenames?.[i] ?? file.name;
    form.append(field, file, name);
    const start = offset + partOverhead(file, name);
    ranges.push({ start, end: start + file.size });
    offset = start + file.size + 2;
  });
  const report = (sent: number) => {
    if (!onProgress) return;
    ranges.forEach((r, i) => onProgress(i, Math.max(0, Math.min(sent, r.end) - r.start), r.end - r.start));
  };

  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.responseType = 'text';
    xhr.setRequestHeader('accept', 'application/json');
    for (const [k, v] of Object.entries(csrfHeaders('POST'))) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (ev) => {
      // Scale to our estimate of the body so that rounding in part headers cannot leave the last bar short.
      const sent = ev.lengthComputable && ev.total > 0 ? (ev.loaded / ev.total) * offset : ev.loaded;
      report(sent);
    };
    xhr.onload = () => {
      let body: unknown = undefined;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : undefined;
      } catch {
        body = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        report(offset);
        resolve(body as T);
        return;
      }
      if (xhr.status === 401) onUnauthorized();
      const err = (body as { error?: unknown } | undefined)?.error;
      const { code, message, ...details } = (err && typeof err === 'object' ? err : {}) as {
        code?: string;
        message?: string;
      } & Record<string, unknown>;
      reject(new ApiError(xhr.status, code ?? `HTTP_${xhr.status}`, message ?? `Errore ${xhr.status}`, details));
    };
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'Caricamento interrotto: server non raggiungibile'));
    xhr.onabort = () => reject(new ApiError(0, 'ABORTED', 'Caricamento annullato'));
    options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(form);
  });
}

export const api = {
  get: <T>(path: string, params?: QueryParams, options?: RequestOptions) =>
    request<T>('GET', apiUrl(path, params), undefined, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('POST', path, body, options),
  patch: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PATCH', path, body, options),
  put: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PUT', path, body, options),
  del: <T>(path: string, options?: RequestOptions) => request<T>('DELETE', path, undefined, options),
  upload,
  /** A multipart POST of a form (fields before files, so that a streaming server reads them first). */
  form: <T>(path: string, form: FormData, options?: RequestOptions) => request<T>('POST', path, form, options),
};

/** A message for people from anything thrown by the API client. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
