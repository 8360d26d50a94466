// Archivio cartaceo (staff): the inventory of paper practices, the import of an inventory file and the previous
// imports, one tab each (#/cartaceo/<tab>).
import { Tabs, type TabDef } from '../../components/tabs.tsx';
import { href, navigate } from '../../router.ts';
import type { PageProps } from '../page-props.ts';
import { ImportHistory } from './import-history.tsx';
import { ImportWizard } from './import-wizard.tsx';
import { InventorySearch } from './inventory-search.tsx';
import './cartaceo.css';

const TABS: TabDef[] = [
  { id: 'inventario', label: 'Inventario' },
  { id: 'importa', label: 'Importa' },
  { id: 'importazioni', label: 'Importazioni precedenti' },
];

export function CartaceoPage({ path }: PageProps) {
  const selected = TABS.some((t) => t.id === path[0]) ? (path[0] as string) : 'inventario';
  return (
    <div class="page">
      <h1>Archivio cartaceo</h1>
      <Tabs
        label="Sezioni dell'archivio cartaceo"
        tabs={TABS}
        selected={selected}
        onSelect={(id) => navigate(href('cartaceo', [id]), { replace: true })}
      >
        {selected === 'inventario' && <InventorySearch />}
        {selected === 'importa' && <ImportWizard />}
        {selected === 'importazioni' && <ImportHistory />}
      </Tabs>
    </div>
  );
}
