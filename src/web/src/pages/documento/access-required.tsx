// What a professional sees instead of a document of a Comune that requires an approved access request they do not
// hold (403 ACCESS_REQUEST_REQUIRED): the server's message and "Richiedi accesso", prefilled with the practice when
// the server names it.
import { ApiError } from '../../api.ts';
import { href, navigate } from '../../router.ts';
import { comuneLabel } from '../../union.ts';
import { requestHref } from '../ricerca/paper-results.tsx';

export const ACCESS_REQUEST_REQUIRED = 'ACCESS_REQUEST_REQUIRED';

export function isAccessRequired(err: unknown): err is ApiError {
  return err instanceof ApiError && err.status === 403 && err.code === ACCESS_REQUEST_REQUIRED;
}

export function AccessRequired({ error }: { error: ApiError }) {
  const comune = typeof error.details.comune === 'string' ? error.details.comune : '';
  const practiceKey = typeof error.details.practiceKey === 'string' ? error.details.practiceKey : '';
  const target = comune && practiceKey ? requestHref(comune, practiceKey) : href('richieste', ['nuova'], { comune });
  return (
    <div class="alert alert-info access-required" role="alert">
      <div>
        <p>{error.message}</p>
        {practiceKey && (
          <p class="hint">
            Pratica {practiceKey}
            {comune ? ` — ${comuneLabel(comune)}` : ''}
          </p>
        )}
      </div>
      <button type="button" onClick={() => navigate(target)}>
        Richiedi accesso
      </button>
    </div>
  );
}
