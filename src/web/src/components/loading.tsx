// A polite "loading" notice for screen readers and eyes.
export interface LoadingProps {
  label?: string;
}

export function Loading({ label = 'Attendere…' }: LoadingProps) {
  return (
    <p class="loading" role="status">
      {label}
    </p>
  );
}
