// The union of Comuni (GET /api/union), fetched once per page load and shared by every component through useUnion();
// comuneLabel() names a Comune from the cached list (its code until the list has arrived).
import { useEffect, useState } from 'preact/hooks';
import { actsOn, scopeOf } from '../../tenancy/tenant-scope.ts';
import { api } from './api.ts';
import type { Comune, Union } from './types.ts';

let cached: Union | null = null;
let pending: Promise<Union> | null = null;

/** Loads the union once; a failed load is retried by the next caller. */
export function loadUnion(): Promise<Union> {
  if (cached) return Promise.resolve(cached);
  pending ??= api.get<Union>('/api/union').then(
    (u) => {
      cached = { ...u, comuni: u.comuni ?? [] };
      pending = null;
      return cached;
    },
    (err: unknown) => {
      pending = null;
      throw err;
    },
  );
  return pending;
}

export function cachedUnion(): Union | null {
  return cached;
}

export interface UnionState {
  union: Union | null;
  error: unknown;
  /** The Comuni of the union ([] until loaded). */
  comuni: Comune[];
  /** More than one Comune: the UI names the Comune of each record and offers Comune filters. */
  multi: boolean;
  /** The name of a Comune by code (the code itself when unknown). */
  name: (code: string | null | undefined) => string;
}

function stateOf(union: Union | null, error: unknown): UnionState {
  const comuni = union?.comuni ?? [];
  return {
    union,
    error,
    comuni,
    multi: comuni.length > 1,
    name: (code) => (code ? (comuni.find((c) => c.code === code)?.name ?? code) : ''),
  };
}

export function useUnion(): UnionState {
  const [union, setUnion] = useState<Union | null>(cached);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (cached) return;
    let alive = true;
    loadUnion().then(
      (u) => alive && setUnion(u),
      (err: unknown) => alive && setError(err),
    );
    return () => {
      alive = false;
    };
  }, []);
  return stateOf(union, error);
}

/** The name of a Comune from the cached union, or the code. */
export function comuneLabel(code: string | null | undefined): string {
  return stateOf(cached, null).name(code);
}

/**
 * The Comuni a staff user acts on, by the server's rule (src/tenancy/tenant-scope.ts): every Comune at union level
 * (comune null or absent), else home + granted; none for professionals.
 */
export function actingComuni(
  user: { role: string; comune?: string | null; grantedComuni?: string[] } | null | undefined,
  comuni: Comune[],
): Comune[] {
  if (!user) return [];
  const scope = scopeOf({ role: user.role, comune: user.comune || null, grantedComuni: user.grantedComuni ?? [] });
  return comuni.filter((c) => actsOn(scope, c.code));
}
