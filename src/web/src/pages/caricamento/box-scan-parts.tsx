// The parts of each box scan of a batch (GET /api/documents/:id/split): part n, practice, type, page ranges, page
// count, separator and blank pages left out, warnings, and a link to the document each part became — so a person
// can check the split against the paper before the box goes back on the shelf.
import { ErrorAlert } from '../../components/error-alert.tsx';
import { DataTable } from '../../components/data-table.tsx';
import { Loading } from '../../components/loading.tsx';
import { plural } from '../../format.ts';
import { useApi } from '../../hooks/use-api.ts';
import { href } from '../../router.ts';
import type { BatchDocument } from '../../types.ts';
import { documentTypeLabel } from '../ricerca/labels.ts';
import { formatPageRanges } from '../../../../domain/page-ranges.ts';

interface PlanPart {
  index: number;
  practice?: { comune: string; pratica: string; proc?: string; box?: string };
  documentType?: string;
  pages: number[];
  separatorPages: number[];
  blankPages: number[];
  warnings: string[];
  documentId: string;
  outcome: 'accepted' | 'duplicate';
  filename: string;
}

interface SplitPlan {
  boxScan: string;
  filename: string;
  mode: 'separators' | 'separators+blank';
  pages: number;
  parts: PlanPart[];
  summary: { separatorPages: number[]; blankPages: number[]; trailingPages: number[]; warnings: string[] };
}

export function BoxScanParts({ documents }: { documents: BatchDocument[] }) {
  const boxes = documents.filter((d) => d.status === 'split');
  if (boxes.length === 0) return null;
  return (
    <>
      {boxes.map((b) => (
        <BoxScan key={b.id} box={b} />
      ))}
    </>
  );
}

function BoxScan({ box }: { box: BatchDocument }) {
  const { data, error, reload } = useApi<SplitPlan>(`/api/documents/${box.id}/split`);
  if (!data)
    return error ? <ErrorAlert error={error} onRetry={reload} /> : <Loading label="Lettura della suddivisione…" />;
  const warnings = data.summary.warnings;
  return (
    <section class="box-scan" aria-label={`Scansione di scatola ${data.filename}`}>
      <h3>
        Scansione di scatola {data.filename}: {plural(data.pages, 'pagina', 'pagine')} suddivise in{' '}
        {plural(data.parts.length, 'documento', 'documenti')}
      </h3>
      <DataTable
        caption={`Parti di ${data.filename}`}
        captionHidden
        columns={[
          {
            header: 'Parte',
            class: 'num',
            render: (p) => <a href={href('documento', [p.documentId])}>{p.index}</a>,
          },
          {
            header: 'Pratica',
            render: (p) => (p.practice ? `${p.practice.pratica} (${p.practice.comune})` : 'da assegnare'),
          },
          { header: 'Tipo', render: (p) => (p.documentType ? documentTypeLabel(p.documentType) : 'da classificare') },
          { header: 'Pagine', render: (p) => formatPageRanges(p.pages) },
          { header: 'N. pagine', class: 'num', render: (p) => p.pages.length },
          { header: 'Separatori', render: (p) => formatPageRanges(p.separatorPages) },
          { header: 'Bianche escluse', render: (p) => formatPageRanges(p.blankPages) },
          {
            header: 'Avvisi',
            render: (p) => (
              <>
                {p.outcome === 'duplicate' && <span class="sub">duplicato di un documento già in archivio</span>}
                {p.warnings.join(' ')}
              </>
            ),
          },
        ]}
        rows={data.parts}
        rowKey={(p) => p.index}
        empty="Nessuna pagina di contenuto"
      />
      {warnings.length > 0 && (
        <ul class="box-scan-warnings">
          {warnings.map((w, i) => (
            <li key={i}>{w}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
