// Downloads a PDF of separator sheets (POST /api/separators, GET /api/digitisation/worklist/separators.pdf): the
// answer is read as a file and saved under the name the server gives, errors become ApiErrors like any API call.
import { ApiError, onUnauthorized } from '../api.ts';
import { csrfToken } from '../session.ts';

/** One sheet of a print request (the body of POST /api/separators). */
export type SeparatorSheetRequest =
  | { kind: 'practice'; inventoryId: string; copies?: number }
  | { kind: 'practice-key'; comune: string; practiceKey: string; copies?: number }
  | { kind: 'document-type'; documentType: string; practiceKey?: string; copies?: number }
  | { kind: 'generic'; note?: string; copies?: number };

export interface SeparatorPrintRequest {
  sheets: SeparatorSheetRequest[];
  copies?: number;
  documentTypes?: string[];
}

export interface SeparatorDownload {
  filename: string;
  /** Sheets in the PDF, copies included. */
  sheets: number;
  /** Work-list practices left out (number not printable). */
  skipped: number;
}

async function failure(res: Response): Promise<ApiError> {
  if (res.status === 401) onUnauthorized();
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    return new ApiError(res.status, body.error?.code ?? `HTTP_${res.status}`, body.error?.message ?? res.statusText);
  } catch {
    return new ApiError(res.status, `HTTP_${res.status}`, res.statusText || `Errore ${res.status}`);
  }
}

function save(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

async function download(path: string, init: RequestInit): Promise<SeparatorDownload> {
  let res: Response;
  try {
    res = await fetch(path, { credentials: 'same-origin', ...init });
  } catch {
    throw new ApiError(0, 'NETWORK', 'Server non raggiungibile: controllare la connessione e riprovare');
  }
  if (!res.ok) throw await failure(res);
  const filename = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'separatori.pdf';
  save(await res.blob(), filename);
  return {
    filename,
    sheets: Number(res.headers.get('x-separator-sheets') ?? 0),
    skipped: Number(res.headers.get('x-separator-skipped') ?? 0),
  };
}

/** Prints the sheets of a request: the PDF is saved by the browser. */
export function downloadSeparators(request: SeparatorPrintRequest): Promise<SeparatorDownload> {
  const token = csrfToken();
  return download('/api/separators', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/pdf, application/json',
      ...(token ? { 'x-csrf-token': token } : {}),
    },
    body: JSON.stringify(request),
  });
}

/** Prints the sheets of the scan work list (of `comune`, or of every Comune the user acts on). */
export function downloadWorklistSeparators(opts: {
  comune?: string;
  documentTypes: string[];
  copies: number;
}): Promise<SeparatorDownload> {
  const q = new URLSearchParams();
  if (opts.comune) q.set('comune', opts.comune);
  if (opts.documentTypes.length) q.set('types', opts.documentTypes.join(','));
  if (opts.copies > 1) q.set('copies', String(opts.copies));
  const qs = q.toString();
  return download(`/api/digitisation/worklist/separators.pdf${qs ? `?${qs}` : ''}`, {
    headers: { accept: 'application/pdf, application/json' },
  });
}
