// The logged-in user: loaded from GET /api/auth/me at start, set by login, cleared by logout or by any 401.
import { api, ApiError } from './api.ts';
import { roleCan, type Permission } from './roles.ts';
import { getSessionState, setSessionState, clearSessionState, subscribeSession } from './session-store.ts';
import type { User } from './types.ts';

export { subscribeSession, getSessionState };
export type { Permission };

interface SessionResponse {
  user: User;
  csrfToken: string;
}

export function currentUser(): User | null {
  return getSessionState().user;
}

export function csrfToken(): string | null {
  return getSessionState().csrfToken;
}

/** Whether the current user's role has a permission of the spec's role table. */
export function can(permission: Permission): boolean {
  return roleCan(currentUser()?.role, permission);
}

/** Asks the server who we are (the session cookie is httpOnly): null when not logged in. */
export async function loadSession(): Promise<User | null> {
  try {
    const res = await api.get<SessionResponse>('/api/auth/me', undefined, { noAuthRedirect: true });
    setSessionState({ status: 'authenticated', user: res.user, csrfToken: res.csrfToken });
    return res.user;
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
      setSessionState({ status: 'anonymous', user: null, csrfToken: null });
      return null;
    }
    throw err;
  }
}

/** Logs in with username and password; throws ApiError (401 "Credenziali non valide", 429 too many attempts). */
export async function login(username: string, password: string): Promise<User> {
  const res = await api.post<SessionResponse>('/api/auth/login', { username, password }, { noAuthRedirect: true });
  setSessionState({ status: 'authenticated', user: res.user, csrfToken: res.csrfToken });
  return res.user;
}

export async function logout(): Promise<void> {
  try {
    await api.post<void>('/api/auth/logout', undefined, { noAuthRedirect: true });
  } finally {
    clearSessionState();
  }
}
