// Richieste di accesso (accesso agli atti): staff decide the requests of their Comuni; everybody sees their own
// requests and can send a new one. Routes: #/richieste/<tab>, #/richieste/nuova?comune=…&pratica=… (prefilled),
// #/richieste?id=<requestId> (the e-mails' links: the list holding the request opens on it, its row marked).
import { useEffect, useState } from 'preact/hooks';
import { errorMessage } from '../../api.ts';
import { Loading } from '../../components/loading.tsx';
import { Tabs, type TabDef } from '../../components/tabs.tsx';
import { href, navigate } from '../../router.ts';
import { can } from '../../session.ts';
import type { PageProps } from '../page-props.ts';
import { ComuneRequests } from './comune-requests.tsx';
import { locateRequest, type RequestFocus, type RequestTab } from './focus-request.ts';
import { MyRequests, waitsForScan } from './my-requests.tsx';
import { RequestForm } from './request-form.tsx';

export function RichiestePage({ path, params }: PageProps) {
  const staff = can('access-requests.decide');
  const tabs: TabDef[] = [
    ...(staff ? [{ id: 'comuni', label: 'Richieste dei Comuni' }] : []),
    { id: 'mie', label: 'Le mie richieste' },
    { id: 'nuova', label: 'Nuova richiesta' },
  ];
  const explicit = tabs.some((t) => t.id === path[0]) ? (path[0] as string) : undefined;
  const focusId = params.get('id') ?? '';
  const focus = useRequestFocus(focusId, explicit, staff);
  const selected = explicit ?? focus.result?.tab ?? tabs[0]!.id;
  const [notice, setNotice] = useState('');
  const select = (id: string) => navigate(href('richieste', [id]), { replace: true });
  const target = focus.result && focus.result.tab === selected ? focus.result : undefined;

  if (focus.locating) {
    return (
      <div class="page">
        <h1>Richieste di accesso</h1>
        <Loading label="Ricerca della richiesta…" />
      </div>
    );
  }

  return (
    <div class="page">
      <h1>Richieste di accesso</h1>
      <p class="status-line" role="status">
        {notice}
      </p>
      {focus.problem && (
        <p class="alert alert-info" role="alert">
          {focus.problem}
        </p>
      )}
      <Tabs label="Sezioni delle richieste di accesso" tabs={tabs} selected={selected} onSelect={select}>
        {selected === 'comuni' && <ComuneRequests key={target?.id} focus={target} onNotice={setNotice} />}
        {selected === 'mie' && <MyRequests key={target?.id} focus={target} onNotice={setNotice} />}
        {selected === 'nuova' && (
          <RequestForm
            key={params.toString()}
            comune={params.get('comune') ?? undefined}
            practiceKey={params.get('pratica') ?? undefined}
            onCreated={(r) => {
              setNotice(
                `Richiesta inviata per la pratica ${r.practiceKey}` +
                  (waitsForScan(r) ? ': la pratica è solo su carta e sarà digitalizzata' : ''),
              );
              navigate(href('richieste', ['mie']));
            }}
          />
        )}
      </Tabs>
    </div>
  );
}

interface FocusState {
  locating: boolean;
  result: RequestFocus | null;
  /** Why the linked request is not shown (unknown, not the user's, or the lists could not be read). */
  problem: string;
}

/** Finds the request of `?id=`: in "Le mie richieste" first (the e-mails go to requesters), then for staff in
 *  "Richieste dei Comuni"; only in the tab of the URL when it names one. */
function useRequestFocus(id: string, explicit: string | undefined, staff: boolean): FocusState {
  const [found, setFound] = useState<{ id: string; result: RequestFocus | null; problem: string } | null>(null);
  const order: RequestTab[] =
    explicit === 'mie' || explicit === 'comuni' ? [explicit] : explicit ? [] : staff ? ['mie', 'comuni'] : ['mie'];
  const orderKey = order.join(',');
  useEffect(() => {
    if (!id || order.length === 0) return;
    let alive = true;
    locateRequest(id, order).then(
      (result) =>
        alive &&
        setFound({
          id,
          result,
          problem: result ? '' : 'La richiesta indicata dal collegamento non è tra quelle che puoi consultare',
        }),
      (err: unknown) =>
        alive && setFound({ id, result: null, problem: `Impossibile trovare la richiesta: ${errorMessage(err)}` }),
    );
    return () => {
      alive = false;
    };
  }, [id, orderKey]);
  if (!id || order.length === 0) return { locating: false, result: null, problem: '' };
  if (found?.id !== id) return { locating: true, result: null, problem: '' };
  return { locating: false, result: found.result, problem: found.problem };
}
