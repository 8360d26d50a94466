// Loads a GET endpoint into component state, reloading when the path or params change.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, type QueryParams } from '../api.ts';

export interface ApiState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** `path` null skips the request (e.g. until an id is known). */
export function useApi<T>(path: string | null, params?: QueryParams): ApiState<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(path !== null);
  const [tick, setTick] = useState(0);
  const key = path === null ? null : `${path}?${new URLSearchParams(serialise(params)).toString()}`;
  const paramsRef = useRef(params);
  paramsRef.current = params;

  useEffect(() => {
    if (path === null) return;
    const controller = new AbortController();
    setLoading(true);
    setError(null);
    api
      .get<T>(path, paramsRef.current, { signal: controller.signal })
      .then((d) => setData(d))
      .catch((err: unknown) => {
        if ((err as Error).name !== 'AbortError') setError(err);
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
  }, [key, tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}

function serialise(params?: QueryParams): [string, string][] {
  if (!params) return [];
  if (params instanceof URLSearchParams) return [...params.entries()];
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(params)) {
    for (const x of Array.isArray(v) ? v : [v]) if (x !== undefined && x !== null && x !== '') out.push([k, String(x)]);
  }
  return out;
}
