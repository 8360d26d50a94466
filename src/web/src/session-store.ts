// The in-memory session state (user and CSRF token) with change listeners. Kept apart from session.ts so that the
// API client can read the token without importing the module that itself calls the API.
import type { User } from './types.ts';

export type SessionStatus = 'unknown' | 'anonymous' | 'authenticated';

export interface SessionState {
  status: SessionStatus;
  user: User | null;
  csrfToken: string | null;
}

let state: SessionState = { status: 'unknown', user: null, csrfToken: null };
const listeners = new Set<(s: SessionState) => void>();

export function getSessionState(): SessionState {
  return state;
}

export function setSessionState(next: SessionState): void {
  state = next;
  for (const listener of listeners) listener(state);
}

export function clearSessionState(): void {
  if (state.status === 'anonymous' && !state.user) return;
  setSessionState({ status: 'anonymous', user: null, csrfToken: null });
}

export function subscribeSession(listener: (s: SessionState) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
