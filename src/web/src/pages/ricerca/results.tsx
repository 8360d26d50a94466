// The list of results: a section per practice ("Senza pratica" for the rest), a card per document with its
// matching pages ("p. N" and the snippet), "Apri" at the best page and "Scarica PDF".
import { href } from '../../router.ts';
import { comuneLabel } from '../../union.ts';
import { pdfUrl } from '../documento/pdf-url.ts';
import { groupHits, viewerTerms, type DocumentGroup } from './group-hits.ts';
import { documentTypeLabel } from './labels.ts';
import type { SearchHit } from './search.types.ts';
import { Snippet } from './snippet.tsx';

const viewerHref = (doc: DocumentGroup, page: number, terms: string): string =>
  href('documento', [doc.documentId], { pagina: page, q: terms || undefined });

function DocumentCard({ doc, queryText, showComune }: { doc: DocumentGroup; queryText: string; showComune: boolean }) {
  const terms = viewerTerms(queryText, doc);
  const best = doc.pages[0]!.page;
  const meta = [
    showComune && doc.comune ? (doc.comuneName ?? comuneLabel(doc.comune)) : undefined,
    doc.documentType ? documentTypeLabel(doc.documentType) : undefined,
    doc.year !== undefined ? String(doc.year) : undefined,
    doc.address,
    doc.filename,
  ].filter(Boolean);
  return (
    <article class="ricerca-doc">
      <h3>{doc.title}</h3>
      <p class="ricerca-meta">{meta.join(' · ')}</p>
      <ul class="ricerca-pages">
        {doc.pages.map((p) => (
          <li key={p.page}>
            <a class="ricerca-page" href={viewerHref(doc, p.page, terms)}>
              p. {p.page}
            </a>{' '}
            <Snippet html={p.snippet} />
          </li>
        ))}
      </ul>
      <p class="ricerca-actions">
        <a href={viewerHref(doc, best, terms)}>Apri</a>
        <a href={pdfUrl(doc.documentId)} download>
          Scarica PDF
        </a>
      </p>
    </article>
  );
}

export function Results({
  hits,
  queryText,
  showComune = false,
}: {
  hits: SearchHit[];
  queryText: string;
  /** Name the Comune of each practice and document (a union of several Comuni). */
  showComune?: boolean;
}) {
  return (
    <div class="ricerca-results">
      {groupHits(hits).map((g, i) => {
        const comune = showComune && g.practice && g.comune ? (g.comuneName ?? comuneLabel(g.comune)) : '';
        return (
          <section
            key={`${g.comune ?? ''}|${g.practice ?? ''}`}
            class="ricerca-group"
            aria-labelledby={`ricerca-group-${i}`}
          >
            <h2 id={`ricerca-group-${i}`}>
              {g.practice ? `Pratica ${g.practice}` : 'Senza pratica'}
              {comune && <span class="ricerca-comune"> — {comune}</span>}
            </h2>
            {g.documents.map((d) => (
              <DocumentCard key={d.documentId} doc={d} queryText={queryText} showComune={showComune} />
            ))}
          </section>
        );
      })}
    </div>
  );
}
