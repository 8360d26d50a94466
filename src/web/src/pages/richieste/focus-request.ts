// The request a link points to (#/richieste?id=<id>, from the e-mails): which tab lists it and on which page, and a
// hook that scrolls its row into view and focuses it once the list shows it.
import { useEffect, useRef } from 'preact/hooks';
import { api, type QueryParams } from '../../api.ts';
import type { AccessRequest, AccessRequestList } from '../../types.ts';

/** Rows per page of both request lists. */
export const REQUESTS_PAGE = 20;
/** The API's largest page (ACCESS_REQUEST_LIST_MAX), to find a request in few calls. */
const SCAN_PAGE = 200;

export type RequestTab = 'mie' | 'comuni';

export interface RequestFocus {
  id: string;
  tab: RequestTab;
  /** Offset of the list page holding the request. */
  offset: number;
  /** State filter of "Richieste dei Comuni" that lists it ('pending' for a pending one, else '' = every state). */
  state: string;
  request: AccessRequest;
}

/** Position of the request in GET /api/access-requests?<params> (same order as the lists), or null. */
async function positionIn(params: QueryParams, id: string): Promise<{ index: number; request: AccessRequest } | null> {
  for (let offset = 0; ; offset += SCAN_PAGE) {
    const list = await api.get<AccessRequestList>('/api/access-requests', {
      ...(params as Record<string, string | number>),
      limit: SCAN_PAGE,
      offset,
    });
    const i = list.requests.findIndex((r) => r.id === id);
    if (i >= 0) return { index: offset + i, request: list.requests[i]! };
    if (list.requests.length < SCAN_PAGE || offset + SCAN_PAGE >= list.total) return null;
  }
}

const pageOffset = (index: number) => Math.floor(index / REQUESTS_PAGE) * REQUESTS_PAGE;

/** Looks for the request in the tabs, in order; null when none of them lists it (unknown or not the user's). */
export async function locateRequest(id: string, tabs: RequestTab[]): Promise<RequestFocus | null> {
  for (const tab of tabs) {
    if (tab === 'mie') {
      const hit = await positionIn({ mine: 1 }, id);
      if (hit) return { id, tab, offset: pageOffset(hit.index), state: '', request: hit.request };
      continue;
    }
    const any = await positionIn({}, id);
    if (!any) continue;
    // A pending request is shown where staff decide it: in the default "In attesa" list.
    const pending = any.request.state === 'pending' ? await positionIn({ state: 'pending' }, id) : null;
    if (pending) return { id, tab, offset: pageOffset(pending.index), state: 'pending', request: pending.request };
    return { id, tab, offset: pageOffset(any.index), state: '', request: any.request };
  }
  return null;
}

/**
 * Row attributes of a list that may hold the focused request: the row is marked (class row-focus, aria-current) and,
 * the first time it is shown, scrolled into view and focused.
 */
export function useFocusedRow(focusId: string | undefined, rows: AccessRequest[]) {
  const done = useRef(false);
  const shown = !!focusId && rows.some((r) => r.id === focusId);
  useEffect(() => {
    if (!shown || done.current) return;
    const row = document.querySelector<HTMLElement>(`tr[data-request-id="${CSS.escape(focusId!)}"]`);
    if (!row) return;
    done.current = true;
    row.scrollIntoView({ block: 'center' });
    row.focus({ preventScroll: true });
  }, [shown]);
  return (r: AccessRequest): Record<string, unknown> =>
    r.id === focusId ? { class: 'row-focus', 'aria-current': 'true', tabIndex: -1, 'data-request-id': r.id } : {};
}
