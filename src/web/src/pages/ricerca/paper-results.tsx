// "Su carta": practices of the paper inventory that match the search but are not digitised yet, each with its Comune
// and state, and "Richiedi accesso", which opens the access-request form prefilled (the practice is then scanned).
import { DataTable } from '../../components/data-table.tsx';
import { PaperStateBadge } from '../../components/state-badges.tsx';
import { href, navigate } from '../../router.ts';
import type { InventoryView } from '../../types.ts';
import { comuneLabel } from '../../union.ts';

export function requestHref(comune: string, practiceKey: string): string {
  return href('richieste', ['nuova'], { comune, pratica: practiceKey });
}

export function PaperResults({ paper }: { paper: { total: number; records: InventoryView[] } }) {
  if (!paper.records.length) return null;
  const more = paper.total > paper.records.length ? ` (le prime ${paper.records.length} di ${paper.total})` : '';
  return (
    <section class="ricerca-paper" aria-labelledby="ricerca-paper-title">
      <h2 id="ricerca-paper-title">Su carta</h2>
      <p class="ricerca-hint">
        Pratiche che corrispondono alla ricerca ma non sono ancora digitalizzate{more}. Con una richiesta di accesso la
        pratica viene scansionata e riceverai un avviso quando sarà consultabile.
      </p>
      <DataTable
        caption="Pratiche su carta"
        captionHidden
        rows={paper.records}
        rowKey={(r) => r.id}
        columns={[
          { header: 'Pratica', render: (r) => <span id={`paper-${r.id}`}>{r.practiceKey}</span> },
          { header: 'Comune', render: (r) => r.comuneName || comuneLabel(r.comune) },
          { header: 'Richiedente', render: (r) => r.applicant || '—' },
          { header: 'Indirizzo', render: (r) => r.address || '—' },
          { header: 'Stato', render: (r) => <PaperStateBadge state={r.state} label={r.stateLabel} /> },
          {
            header: 'Azioni',
            render: (r) => (
              <button
                type="button"
                class="small secondary"
                aria-describedby={`paper-${r.id}`}
                onClick={() => navigate(requestHref(r.comune, r.practiceKey))}
              >
                Richiedi accesso
              </button>
            ),
          },
        ]}
      />
    </section>
  );
}
