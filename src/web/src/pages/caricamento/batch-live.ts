// Follows a batch live: GET /api/batches/:id once, then the SSE stream /api/batches/:id/events (snapshot, document,
// summary, done). When the stream cannot be opened (or closes for good) it falls back to polling every 3 s.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../../api.ts';
import type { BatchCounts, BatchDetail, BatchDocument, BatchItem } from '../../types.ts';

export type LiveMode = 'connecting' | 'live' | 'polling' | 'done';

export interface BatchLive {
  detail: BatchDetail | undefined;
  error: unknown;
  mode: LiveMode;
  /** Applies a local change (e.g. after "Riprova") and resumes following the batch if it had finished. */
  updateDocument: (doc: Partial<BatchDocument> & { id: string }) => void;
}

const POLL_MS = 3000;

export function useBatchLive(batchId: string): BatchLive {
  const [detail, setDetail] = useState<BatchDetail | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [mode, setMode] = useState<LiveMode>('connecting');
  const [generation, setGeneration] = useState(0);
  const doneRef = useRef(false);

  useEffect(() => {
    let stopped = false;
    let source: EventSource | null = null;
    let pollTimer: ReturnType<typeof setTimeout> | undefined;
    doneRef.current = false;
    setError(null);
    setMode('connecting');

    const finish = () => {
      doneRef.current = true;
      source?.close();
      clearTimeout(pollTimer);
      setMode('done');
    };

    const fetchDetail = async () => {
      const d = await api.get<BatchDetail>(`/api/batches/${encodeURIComponent(batchId)}`);
      if (stopped) return d;
      setDetail(d);
      setError(null);
      return d;
    };

    const poll = () => {
      if (stopped) return;
      setMode('polling');
      fetchDetail()
        .then((d) => {
          if (d.done) finish();
          else pollTimer = setTimeout(poll, POLL_MS);
        })
        .catch((err: unknown) => {
          if (stopped) return;
          setError(err);
          pollTimer = setTimeout(poll, POLL_MS * 2);
        });
    };

    const openStream = () => {
      if (typeof EventSource === 'undefined') return poll();
      source = new EventSource(`/api/batches/${encodeURIComponent(batchId)}/events`, { withCredentials: true });
      source.addEventListener('open', () => !stopped && !doneRef.current && setMode('live'));
      source.addEventListener('snapshot', (ev) => {
        const snap = parse<Partial<BatchDetail>>(ev);
        if (snap) setDetail((prev) => mergeSnapshot(prev, snap));
        if (!doneRef.current) setMode('live');
      });
      source.addEventListener('document', (ev) => {
        const doc = parse<BatchDocument>(ev);
        if (doc?.id) setDetail((prev) => prev && upsert(prev, doc));
      });
      source.addEventListener('summary', (ev) => {
        const counts = parse<Partial<BatchCounts>>(ev);
        if (counts) setDetail((prev) => prev && mergeCounts(prev, counts));
      });
      source.addEventListener('done', () => {
        finish();
        // One last read so that the table matches the store exactly.
        fetchDetail().catch(() => undefined);
      });
      source.addEventListener('error', () => {
        // CONNECTING: the browser retries by itself. CLOSED: the endpoint refused (404, 401, 403): poll instead.
        if (!stopped && !doneRef.current && source?.readyState === EventSource.CLOSED) poll();
      });
    };

    fetchDetail()
      .then((d) => {
        if (stopped) return;
        if (d.done) finish();
        else openStream();
      })
      .catch((err: unknown) => {
        if (stopped) return;
        setError(err);
        setMode('done');
      });

    return () => {
      stopped = true;
      source?.close();
      clearTimeout(pollTimer);
    };
  }, [batchId, generation]);

  const updateDocument = useCallback((doc: Partial<BatchDocument> & { id: string }) => {
    setDetail((prev) => prev && upsert(prev, doc));
    if (doneRef.current) setGeneration((g) => g + 1);
  }, []);

  return { detail, error, mode, updateDocument };
}

function parse<T>(ev: Event): T | null {
  try {
    return JSON.parse((ev as MessageEvent<string>).data) as T;
  } catch {
    return null;
  }
}

function upsert(detail: BatchDetail, doc: Partial<BatchDocument> & { id: string }): BatchDetail {
  const i = detail.documents.findIndex((d) => d.id === doc.id);
  const documents =
    i >= 0
      ? detail.documents.map((d, j) => (j === i ? { ...d, ...doc } : d))
      : [...detail.documents, { filename: doc.id.slice(0, 12), status: 'received' as const, ...doc }];
  return { ...detail, documents };
}

function mergeCounts(detail: BatchDetail, counts: Partial<BatchCounts>): BatchDetail {
  const { items: _items, ...rest } = counts as Partial<BatchCounts> & { items?: unknown };
  return { ...detail, ...rest, byStatus: counts.byStatus ?? detail.byStatus };
}

function mergeSnapshot(prev: BatchDetail | undefined, snap: Partial<BatchDetail>): BatchDetail | undefined {
  const base = prev ?? (snap.batch && snap.documents ? (snap as BatchDetail) : undefined);
  if (!base) return prev;
  const items: BatchItem[] | number | undefined = Array.isArray(snap.items) ? snap.items : base.items;
  return {
    ...base,
    ...snap,
    items,
    documents: snap.documents ?? base.documents,
    byStatus: snap.byStatus ?? base.byStatus,
  };
}
