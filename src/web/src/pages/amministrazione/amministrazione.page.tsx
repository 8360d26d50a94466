// Amministrazione: users, access log, queue health, reference data and routing thresholds, one tab each
// (#/amministrazione/<tab>).
import { href, navigate } from '../../router.ts';
import { Tabs, type TabDef } from '../../components/tabs.tsx';
import type { PageProps } from '../page-props.ts';
import { AuditSection } from './audit.section.tsx';
import { QueuesSection } from './queues.section.tsx';
import { ReferenceSection } from './reference.section.tsx';
import { SettingsSection } from './settings.section.tsx';
import { UsersSection } from './users.section.tsx';

const TABS: TabDef[] = [
  { id: 'utenti', label: 'Utenti' },
  { id: 'registro', label: 'Registro accessi' },
  { id: 'code', label: 'Code' },
  { id: 'riferimenti', label: 'Uffici e titolario' },
  { id: 'soglie', label: 'Soglie di instradamento' },
];

export function AmministrazionePage({ path }: PageProps) {
  const selected = TABS.some((t) => t.id === path[0]) ? (path[0] as string) : 'utenti';
  return (
    <div class="page">
      <h1>Amministrazione</h1>
      <Tabs
        label="Sezioni dell'amministrazione"
        tabs={TABS}
        selected={selected}
        onSelect={(id) => navigate(href('amministrazione', [id]), { replace: true })}
      >
        {selected === 'utenti' && <UsersSection />}
        {selected === 'registro' && <AuditSection />}
        {selected === 'code' && <QueuesSection />}
        {selected === 'riferimenti' && <ReferenceSection />}
        {selected === 'soglie' && <SettingsSection />}
      </Tabs>
    </div>
  );
}
