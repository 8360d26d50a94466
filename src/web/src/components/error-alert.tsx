// An error message for people (role="alert"), optionally with a "Riprova" action.
import { errorMessage } from '../api.ts';

export interface ErrorAlertProps {
  /** An ApiError, Error, string, or null/undefined to render nothing. */
  error: unknown;
  /** Shows a button that runs this (e.g. reload the data). */
  onRetry?: () => void;
  /** Button text; "Riprova" by default. */
  retryLabel?: string;
}

export function ErrorAlert({ error, onRetry, retryLabel = 'Riprova' }: ErrorAlertProps) {
  if (error === null || error === undefined || error === '') return null;
  const message = typeof error === 'string' ? error : errorMessage(error);
  return (
    <div class="alert alert-error" role="alert">
      <span>{message}</span>
      {onRetry && (
        <button type="button" class="secondary" onClick={onRetry}>
          {retryLabel}
        </button>
      )}
    </div>
  );
}
