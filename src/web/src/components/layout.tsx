// The page frame: skip link, header with the app name, main navigation (only the links the role may use), the user
// and their role, "Esci"; then the page in <main>.
import type { ComponentChildren } from 'preact';
import { roleCan, roleLabel, type Permission } from '../roles.ts';
import type { User } from '../types.ts';
import { useUnion } from '../union.ts';

export interface NavItem {
  page: string;
  label: string;
  permission: Permission;
}

/** The main navigation, in order (issue 8 spec; the paper archive's pages of issue 11). */
export const NAV_ITEMS: NavItem[] = [
  { page: 'caricamento', label: 'Caricamento', permission: 'upload' },
  { page: 'ricerca', label: 'Ricerca', permission: 'search' },
  { page: 'cartaceo', label: 'Archivio cartaceo', permission: 'inventory' },
  { page: 'richieste', label: 'Richieste di accesso', permission: 'access-requests' },
  { page: 'scansioni', label: 'Lista di scansione', permission: 'digitisation' },
  { page: 'avanzamento', label: 'Avanzamento', permission: 'progress' },
  { page: 'revisione', label: 'Revisione', permission: 'review' },
  { page: 'amministrazione', label: 'Amministrazione', permission: 'admin' },
];

export interface LayoutProps {
  user: User | null;
  /** The current page name, to mark its link with aria-current. */
  page: string;
  onLogout?: () => void;
  children: ComponentChildren;
}

export function Layout({ user, page, onLogout, children }: LayoutProps) {
  const links = user ? NAV_ITEMS.filter((n) => roleCan(user.role, n.permission)) : [];
  return (
    <>
      <a class="skip-link" href="#contenuto" onClick={skipToContent}>
        Vai al contenuto
      </a>
      <header class="app-header">
        <div class="brand">
          <a href="#/" class="brand-name">
            Faldone
          </a>
          <span class="brand-tag">archivio pratiche edilizie</span>
        </div>
        {user && (
          <nav aria-label="Navigazione principale" class="main-nav">
            <ul>
              {links.map((n) => (
                <li key={n.page}>
                  <a href={`#/${n.page}`} aria-current={n.page === page ? 'page' : undefined}>
                    {n.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        )}
        {user && (
          <div class="user-box">
            <span class="user-name">{user.displayName || user.username}</span>
            <span class="user-role">{roleLabel(user.role)}</span>
            {user.role !== 'professional' && user.comune !== undefined && <UserComune code={user.comune} />}
            <button type="button" class="secondary" onClick={onLogout}>
              Esci
            </button>
          </div>
        )}
      </header>
      <main id="contenuto" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

/** The skip link's target is inside a hash-routed app: move focus instead of changing the hash (the route). */
function skipToContent(ev: MouseEvent) {
  ev.preventDefault();
  const main = document.getElementById('contenuto');
  const heading = main?.querySelector<HTMLElement>('h1');
  if (heading && !heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
  (heading ?? main)?.focus();
}

/** The staff user's Comune (or the union) beside their role, in a union of several Comuni. */
function UserComune({ code }: { code: string | null }) {
  const union = useUnion();
  if (!union.multi) return null;
  return <span class="user-role">{code ? union.name(code) : (union.union?.name ?? 'Unione')}</span>;
}
