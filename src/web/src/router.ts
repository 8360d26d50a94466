// Hash router: `#/<page>/<seg>/<seg>?k=v` → { page, path, params }. Hash routes need no server-side fallback.
import { useEffect, useState } from 'preact/hooks';

export interface Route {
  /** First path segment ('' for `#/`). */
  page: string;
  /** The segments after the page name, decoded. */
  path: string[];
  params: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const q = raw.indexOf('?');
  const pathPart = q >= 0 ? raw.slice(0, q) : raw;
  const segments = pathPart
    .split('/')
    .filter(Boolean)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
  return {
    page: segments[0] ?? '',
    path: segments.slice(1),
    params: new URLSearchParams(q >= 0 ? raw.slice(q + 1) : ''),
  };
}

/** Builds `#/page/a/b?x=1` from parts; empty params are left out. */
export function href(
  page: string,
  path: (string | number)[] = [],
  params?: Record<string, string | number | undefined | null>,
): string {
  const segs = [page, ...path.map((s) => encodeURIComponent(String(s)))].filter((s) => s !== '');
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params ?? {}))
    if (v !== undefined && v !== null && v !== '') search.set(k, String(v));
  const qs = search.toString();
  return `#/${segs.join('/')}${qs ? `?${qs}` : ''}`;
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const target = to.startsWith('#') ? to : `#${to.startsWith('/') ? '' : '/'}${to}`;
  if (options.replace) {
    history.replaceState(history.state, '', target);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    location.hash = target;
  }
}

export function currentRoute(): Route {
  return parseHash(location.hash);
}

/** The current route, re-rendering on every hash change. */
export function useRoute(): Route {
  const [route, setRoute] = useState<Route>(currentRoute);
  useEffect(() => {
    const onChange = () => setRoute(currentRoute());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
