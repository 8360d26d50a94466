// The app: loads the session, guards routes by role, and renders the page the hash names inside the layout.
import type { ComponentType } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { ErrorAlert } from './components/error-alert.tsx';
import { Forbidden } from './components/forbidden.tsx';
import { Layout } from './components/layout.tsx';
import { Loading } from './components/loading.tsx';
import { AmministrazionePage } from './pages/amministrazione/amministrazione.page.tsx';
import { AvanzamentoPage } from './pages/avanzamento/avanzamento.page.tsx';
import { CaricamentoPage } from './pages/caricamento/caricamento.page.tsx';
import { CartaceoPage } from './pages/cartaceo/cartaceo.page.tsx';
import { DocumentoPage } from './pages/documento/documento.page.tsx';
import { LoginPage } from './pages/login/login.page.tsx';
import type { PageProps } from './pages/page-props.ts';
import { RevisionePage } from './pages/revisione/revisione.page.tsx';
import { RicercaPage } from './pages/ricerca/ricerca.page.tsx';
import { RichiestePage } from './pages/richieste/richieste.page.tsx';
import { ScansioniPage } from './pages/scansioni/scansioni.page.tsx';
import { roleCan, type Permission } from './roles.ts';
import { href, navigate, useRoute, type Route } from './router.ts';
import { getSessionState, loadSession, logout, subscribeSession } from './session.ts';
import type { Role } from './types.ts';

interface PageDef {
  title: string;
  permission: Permission;
  component: ComponentType<PageProps>;
}

const PAGES: Record<string, PageDef> = {
  caricamento: { title: 'Caricamento', permission: 'upload', component: CaricamentoPage },
  ricerca: { title: 'Ricerca', permission: 'search', component: RicercaPage },
  documento: { title: 'Documento', permission: 'documents.view', component: DocumentoPage },
  cartaceo: { title: 'Archivio cartaceo', permission: 'inventory', component: CartaceoPage },
  richieste: { title: 'Richieste di accesso', permission: 'access-requests', component: RichiestePage },
  scansioni: { title: 'Lista di scansione', permission: 'digitisation', component: ScansioniPage },
  avanzamento: { title: 'Avanzamento', permission: 'progress', component: AvanzamentoPage },
  revisione: { title: 'Revisione', permission: 'review', component: RevisionePage },
  amministrazione: { title: 'Amministrazione', permission: 'admin', component: AmministrazionePage },
};

/** Where `#/` leads each role: the page of its daily work. */
const HOME: Record<Role, string> = {
  admin: 'caricamento',
  archivist: 'caricamento',
  records_manager: 'revisione',
  professional: 'ricerca',
};

export function homeFor(role: Role | undefined): string {
  return `#/${(role && HOME[role]) ?? 'ricerca'}`;
}

function useSession() {
  const [state, setState] = useState(getSessionState);
  useEffect(() => subscribeSession(setState), []);
  return state;
}

export function App() {
  const route = useRoute();
  const session = useSession();
  const [loadError, setLoadError] = useState<unknown>(null);

  const load = () => {
    setLoadError(null);
    loadSession().catch(setLoadError);
  };
  useEffect(load, []);

  // Redirects: anonymous users to the login page (coming back afterwards), `#/` to the role's home page.
  useEffect(() => {
    if (session.status === 'anonymous' && route.page !== 'login') {
      const here = location.hash.replace(/^#/, '');
      const next = route.page ? here : '';
      navigate(href('login', [], { next }), { replace: true });
    } else if (session.status === 'authenticated' && route.page === '') {
      navigate(homeFor(session.user?.role), { replace: true });
    }
  }, [session.status, route.page]);

  useRouteFocus(route, session.status);

  const onLogout = () => {
    void logout().finally(() => navigate('#/login'));
  };

  let content;
  if (loadError) {
    content = <ErrorAlert error={loadError} onRetry={load} />;
  } else if (session.status === 'unknown') {
    content = <Loading />;
  } else if (route.page === 'login') {
    content = (
      <LoginPage
        params={route.params}
        path={route.path}
        onLoggedIn={(role) => navigate(safeNext(route.params.get('next')) ?? homeFor(role))}
      />
    );
  } else if (session.status === 'anonymous' || route.page === '') {
    content = <Loading />;
  } else {
    const def = PAGES[route.page];
    if (!def) {
      content = (
        <section class="panel">
          <h1>Pagina non trovata</h1>
          <p>
            <a href="#/">Torna alla pagina iniziale</a>
          </p>
        </section>
      );
    } else if (!roleCan(session.user?.role, def.permission)) {
      content = <Forbidden />;
    } else {
      const Page = def.component;
      content = <Page key={route.page} params={route.params} path={route.path} />;
    }
  }

  return (
    <Layout user={session.user} page={route.page} onLogout={onLogout}>
      {content}
    </Layout>
  );
}

/** Only in-app hash routes are accepted as a post-login destination (no open redirect). */
function safeNext(next: string | null): string | null {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/login')) return null;
  return `#${next}`;
}

/**
 * After navigating to another page, move focus to its heading so keyboard and screen-reader users start there —
 * unless the page already put focus somewhere on purpose (e.g. the search box).
 */
function useRouteFocus(route: Route, status: string) {
  const key = `${route.page}/${route.path.join('/')}`;
  // On the first page shown, focus stays at the top of the document (the skip link is the first Tab stop).
  const prev = useRef<{ key: string; status: string } | null>(null);
  useLayoutEffect(() => {
    const def = PAGES[route.page];
    const title = route.page === 'login' ? 'Accesso' : def?.title;
    document.title = title ? `${title} — Faldone` : 'Faldone';
  }, [key]);
  useEffect(() => {
    const before = prev.current;
    prev.current = { key, status };
    if (status !== 'authenticated' || !before || before.status === 'unknown' || before.key === key) return;
    const id = requestAnimationFrame(() => {
      const active = document.activeElement;
      const inPage = active && active !== document.body && document.getElementById('contenuto')?.contains(active);
      if (inPage) return;
      const main = document.getElementById('contenuto');
      const heading = main?.querySelector<HTMLElement>('h1');
      if (heading && !heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
      (heading ?? main)?.focus({ preventScroll: true });
    });
    return () => cancelAnimationFrame(id);
  }, [key, status]);
}
