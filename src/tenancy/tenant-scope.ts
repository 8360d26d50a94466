// What a user may see and do across the Comuni of the union. Records of a Comune are either shared with the whole
// union (the default for building-practice documents) or restricted to that Comune's staff (e.g. protocol mail).
//
//  - A union-level user (staff with no home Comune, e.g. the union's administrator) acts on every Comune: full '*'.
//  - Staff of a Comune act (upload, edit, review, approve, see restricted records) within their Comune and the
//    Comuni they were granted: full = [home, ...granted].
//  - Professionals act on no Comune (full = []): they read the shared records of every Comune.
// Everybody reads every Comune's shared records; only `full` Comuni's restricted records.
export interface TenantScope {
  /** Comuni whose records the user acts on and whose restricted records they see; '*' = every Comune. */
  full: '*' | readonly string[];
}

export const UNION_SCOPE: TenantScope = { full: '*' };

/** The user's scope from their home Comune (null = union level) and grants; professionals never act on a Comune. */
export function scopeOf(user: { role: string; comune: string | null; grantedComuni: readonly string[] }): TenantScope {
  if (user.role === 'professional') return { full: [] };
  if (user.comune === null) return UNION_SCOPE;
  return { full: [...new Set([user.comune, ...user.grantedComuni])] };
}

/** Whether the scope acts on (uploads to, edits, approves for, sees the restricted records of) the Comune. */
export function actsOn(scope: TenantScope, comune: string): boolean {
  return scope.full === '*' || scope.full.includes(comune);
}

/** Whether a record of `comune`, restricted or not, is visible in the scope. */
export function canSee(scope: TenantScope, record: { comune: string; restricted?: boolean }): boolean {
  return !record.restricted || actsOn(scope, record.comune);
}

/** The Comuni a scope acts on as a store filter: undefined for every Comune. */
export function actingComuni(scope: TenantScope): readonly string[] | undefined {
  return scope.full === '*' ? undefined : scope.full;
}
