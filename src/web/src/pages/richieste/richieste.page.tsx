// Richieste di accesso (accesso agli atti): staff decide the requests of their Comuni; everybody sees their own
// requests and can send a new one. Routes: #/richieste/<tab>, #/richieste/nuova?comune=…&pratica=… (prefilled).
import { useState } from 'preact/hooks';
import { Tabs, type TabDef } from '../../components/tabs.tsx';
import { href, navigate } from '../../router.ts';
import { can } from '../../session.ts';
import type { PageProps } from '../page-props.ts';
import { ComuneRequests } from './comune-requests.tsx';
import { MyRequests, waitsForScan } from './my-requests.tsx';
import { RequestForm } from './request-form.tsx';

export function RichiestePage({ path, params }: PageProps) {
  const staff = can('access-requests.decide');
  const tabs: TabDef[] = [
    ...(staff ? [{ id: 'comuni', label: 'Richieste dei Comuni' }] : []),
    { id: 'mie', label: 'Le mie richieste' },
    { id: 'nuova', label: 'Nuova richiesta' },
  ];
  const selected = tabs.some((t) => t.id === path[0]) ? (path[0] as string) : tabs[0]!.id;
  const [notice, setNotice] = useState('');
  const select = (id: string) => navigate(href('richieste', [id]), { replace: true });

  return (
    <div class="page">
      <h1>Richieste di accesso</h1>
      <p class="status-line" role="status">
        {notice}
      </p>
      <Tabs label="Sezioni delle richieste di accesso" tabs={tabs} selected={selected} onSelect={select}>
        {selected === 'comuni' && <ComuneRequests onNotice={setNotice} />}
        {selected === 'mie' && <MyRequests onNotice={setNotice} />}
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
