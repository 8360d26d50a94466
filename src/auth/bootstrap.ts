// First start: with no users at all, create `admin` (password from FALDONE_ADMIN_PASSWORD, else a random one logged
// once). The demo adds one user per role with known passwords (documented in README).
import { randomBytes } from 'node:crypto';
import type { Logger } from '../core/logger.ts';
import type { AuthStore, User } from './auth-store.ts';
import { UsernameTakenError } from './auth-store.ts';
import { hashPassword } from './password.ts';
import type { Role } from './roles.ts';

/** Creates the first administrator when the store has no users; returns it, or null when there were users. */
export async function bootstrapAdmin(
  auth: AuthStore,
  opts: { adminPassword?: string; logger: Logger },
): Promise<User | null> {
  if ((await auth.countUsers()) > 0) return null;
  const password = opts.adminPassword ?? randomBytes(12).toString('base64url');
  let user: User;
  try {
    user = await auth.createUser({
      username: 'admin',
      displayName: 'Amministratore',
      role: 'admin',
      comune: null, // union level: the first administrator manages every Comune
      passwordHash: await hashPassword(password),
    });
  } catch (err) {
    if (err instanceof UsernameTakenError) return null; // another process started at the same time and won
    throw err;
  }
  if (opts.adminPassword) opts.logger.info({ username: 'admin' }, 'created the first administrator');
  else {
    // In the message, not a field: the logger masks fields named like secrets.
    opts.logger.warn(
      { username: 'admin' },
      `created the first administrator "admin" with the random password ${password} (shown only now): change it, ` +
        'or set FALDONE_ADMIN_PASSWORD before the first start',
    );
  }
  return user;
}

export const DEMO_USERS: ReadonlyArray<{ username: string; password: string; displayName: string; role: Role }> = [
  { username: 'admin', password: 'admin-demo', displayName: 'Amministratore (demo)', role: 'admin' },
  { username: 'archivista', password: 'archivista-demo', displayName: 'Anna Archivista', role: 'archivist' },
  { username: 'protocollo', password: 'protocollo-demo', displayName: 'Paolo Protocollo', role: 'records_manager' },
  {
    username: 'professionista',
    password: 'professionista-demo',
    displayName: 'Piera Professionista',
    role: 'professional',
  },
];

/**
 * Makes the demo users exist with their demo passwords and roles (re-running the demo resets them). The administrator
 * is union level; the archivist and the records manager belong to `staffComune` (union level when not given). For the
 * demo only: these passwords are public.
 */
export async function ensureDemoUsers(auth: AuthStore, opts: { staffComune?: string } = {}): Promise<User[]> {
  const out: User[] = [];
  for (const demo of DEMO_USERS) {
    const passwordHash = await hashPassword(demo.password);
    const comune = demo.role === 'admin' ? null : (opts.staffComune ?? null);
    const existing = await auth.getUserByUsername(demo.username);
    out.push(
      existing
        ? (await auth.updateUser(existing.id, {
            passwordHash,
            role: demo.role,
            disabled: false,
            comune,
            grantedComuni: [],
          }))!
        : await auth.createUser({ ...demo, passwordHash, comune }),
    );
  }
  return out;
}
