// Revisione `#/revisione`: the records manager's queue of routing suggestions, least sure first, with the selected
// document beside it; accept, correct (reason required) or accept many at once. Keys: j/k move, a accept, c correct.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, errorMessage } from '../../api.ts';
import { ErrorAlert } from '../../components/error-alert.tsx';
import { Pager } from '../../components/pager.tsx';
import { useApi } from '../../hooks/use-api.ts';
import type { ReferenceData } from '../../types.ts';
import { isShortcut } from '../documento/keyboard.ts';
import { PdfViewer } from '../documento/pdf-viewer.tsx';
import type { PageProps } from '../page-props.ts';
import { CorrectForm } from './correct-form.tsx';
import { referenceOptions } from './reference.ts';
import { ReviewTable } from './review-table.tsx';
import {
  itemTitle,
  percent,
  type BulkAcceptResult,
  type Correction,
  type DecisionResult,
  type ReviewItem,
  type ReviewList,
} from './review.types.ts';
import { ShortcutLegend } from './shortcut-legend.tsx';
import './revisione.css';

const PAGE_SIZE = 20;
const CONFLICT = 'Questa proposta è già stata decisa da un altro revisore: la coda è stata aggiornata.';

type Message = { kind: 'ok' | 'error'; text: string } | null;

const withWarnings = (text: string, warnings: string[] | undefined): string =>
  warnings && warnings.length > 0 ? `${text} Attenzione: ${warnings.join('; ')}.` : text;

export function RevisionePage(_props: PageProps) {
  const [offset, setOffset] = useState(0);
  const queue = useApi<ReviewList>('/api/review', { state: 'pending', limit: PAGE_SIZE, offset });
  const ref = useApi<ReferenceData>('/api/reference');
  const reference = referenceOptions(ref.data);
  const [selected, setSelected] = useState(0);
  const [checked, setChecked] = useState<Set<string>>(new Set());
  const [correcting, setCorrecting] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message>(null);
  const selectedRef = useRef<HTMLButtonElement>(null);

  const items = queue.data?.items ?? [];
  const total = queue.data?.total ?? 0;
  const index = Math.min(selected, Math.max(0, items.length - 1));
  const item: ReviewItem | undefined = items[index];
  const disabled = busy || queue.loading || !item;

  // A page emptied by decisions: go back to the previous one.
  useEffect(() => {
    if (queue.data && items.length === 0 && offset > 0) setOffset(Math.max(0, offset - PAGE_SIZE));
  }, [queue.data]);

  // Checked documents that left the queue are forgotten.
  useEffect(() => {
    const present = new Set(items.map((i) => i.documentId));
    setChecked((prev) => {
      const next = new Set([...prev].filter((id) => present.has(id)));
      return next.size === prev.size ? prev : next;
    });
  }, [queue.data]);

  const select = (i: number): void => {
    if (i < 0 || i >= items.length || i === index) return;
    setSelected(i);
    setCorrecting(false);
  };

  useEffect(() => selectedRef.current?.scrollIntoView?.({ block: 'nearest' }), [index]);

  /** Runs a decision; a 409 means someone else decided first: say so and reload the queue. */
  const run = async (action: () => Promise<string>): Promise<boolean> => {
    setBusy(true);
    setMessage(null);
    try {
      setMessage({ kind: 'ok', text: await action() });
      return true;
    } catch (err) {
      const conflict = err instanceof ApiError && err.status === 409;
      setMessage({ kind: 'error', text: conflict ? CONFLICT : errorMessage(err) });
      return conflict;
    } finally {
      setBusy(false);
      queue.reload();
    }
  };

  const accept = (target: ReviewItem): void => {
    void run(async () => {
      const res = await api.post<DecisionResult>(`/api/review/${target.documentId}/accept`, {});
      return withWarnings(`Proposta accettata: «${itemTitle(target)}».`, res?.warnings);
    });
  };

  const correct = (target: ReviewItem, c: Correction): void => {
    void run(async () => {
      const res = await api.post<DecisionResult>(`/api/review/${target.documentId}/correct`, c);
      const office = reference.officeName(c.office);
      return withWarnings(
        `Correzione registrata: «${itemTitle(target)}» → classe ${c.titolarioClass}, ufficio ${office}.`,
        res?.warnings,
      );
    }).then((closed) => closed && setCorrecting(false));
  };

  const acceptChecked = (): void => {
    const documentIds = items.filter((i) => checked.has(i.documentId)).map((i) => i.documentId);
    if (documentIds.length === 0) return;
    void run(async () => {
      const res = await api.post<BulkAcceptResult>('/api/review/accept', { documentIds });
      setChecked(new Set());
      const parts = [`${res.accepted} ${res.accepted === 1 ? 'proposta accettata' : 'proposte accettate'}`];
      if (res.notPending > 0) parts.push(`${res.notPending} già decise da un altro revisore`);
      if (res.notFound > 0) parts.push(`${res.notFound} non più presenti`);
      return `${parts.join('; ')}.`;
    });
  };

  useEffect(() => {
    const onKey = (ev: KeyboardEvent): void => {
      if (!isShortcut(ev) || ev.shiftKey) return;
      if (ev.key === 'j') select(index + 1);
      else if (ev.key === 'k') select(index - 1);
      else if (ev.key === 'a') {
        if (!disabled && item) accept(item);
      } else if (ev.key === 'c') {
        if (!disabled) setCorrecting(true);
      } else return;
      ev.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const closeForm = (): void => {
    setCorrecting(false);
    requestAnimationFrame(() => selectedRef.current?.focus());
  };

  return (
    <section class="revisione">
      <h1>Revisione</h1>
      <div class="revisione-messages">
        <div role="status" class="revisione-status">
          {message?.kind === 'ok' ? message.text : ''}
        </div>
        {message?.kind === 'error' && (
          <div role="alert" class="alert alert-error">
            {message.text}
          </div>
        )}
      </div>
      <ErrorAlert error={queue.error} onRetry={queue.reload} />
      {ref.error !== null && <ErrorAlert error={`Uffici e titolario non disponibili: ${errorMessage(ref.error)}`} />}

      <div class="revisione-layout">
        <div class="revisione-queue">
          <div class="revisione-bulk">
            <button type="button" disabled={busy || queue.loading || checked.size === 0} onClick={acceptChecked}>
              Accetta selezionati
            </button>
            {checked.size > 0 && (
              <span class="revisione-muted">
                {checked.size === 1 ? '1 proposta selezionata' : `${checked.size} proposte selezionate`}
              </span>
            )}
          </div>
          {queue.data && items.length === 0 ? (
            <p class="revisione-empty">Nessuna proposta in attesa di revisione.</p>
          ) : (
            <ReviewTable
              items={items}
              total={total}
              selected={index}
              checked={checked}
              reference={reference}
              selectedRef={selectedRef}
              onSelect={select}
              onCheck={(id, on) =>
                setChecked((prev) => {
                  const next = new Set(prev);
                  if (on) next.add(id);
                  else next.delete(id);
                  return next;
                })
              }
              onCheckAll={(on) => setChecked(on ? new Set(items.map((i) => i.documentId)) : new Set())}
            />
          )}
          {!queue.data && queue.loading && <p>Caricamento della coda…</p>}
          <Pager
            label="Pagine della coda"
            offset={offset}
            limit={PAGE_SIZE}
            count={items.length}
            total={total}
            onChange={(o) => {
              setOffset(o);
              setSelected(0);
              setCorrecting(false);
            }}
          />
          <ShortcutLegend />
        </div>

        {item && (
          <div class="revisione-detail">
            <h2>{itemTitle(item)}</h2>
            <p class="revisione-suggestion">
              Proposta: classe <strong>{item.suggested.titolarioClass}</strong>
              {reference.classTitle(item.suggested.titolarioClass) &&
                ` (${reference.classTitle(item.suggested.titolarioClass)})`}
              , ufficio <strong>{reference.officeName(item.suggested.office)}</strong> — confidenza{' '}
              {percent(item.confidence)} (soglia {percent(item.threshold)})
            </p>
            <div class="revisione-buttons">
              <button type="button" disabled={disabled} onClick={() => accept(item)}>
                Accetta
              </button>
              <button
                type="button"
                class="secondary"
                disabled={disabled}
                aria-expanded={correcting}
                onClick={() => setCorrecting(true)}
              >
                Correggi
              </button>
            </div>
            {correcting && (
              <CorrectForm
                key={`form-${item.documentId}`}
                item={item}
                reference={reference}
                busy={busy}
                onSubmit={(c) => correct(item, c)}
                onCancel={closeForm}
              />
            )}
            <PdfViewer key={`pdf-${item.documentId}`} documentId={item.documentId} />
          </div>
        )}
      </div>
    </section>
  );
}
