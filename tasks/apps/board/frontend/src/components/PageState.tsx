import { ApiError } from '../api';
import { NotFoundPage } from '../pages/NotFoundPage';

/** What a page shows while its main resource loads or when it failed (404 reads "Page not found"). */
export function PageState({ error, loading }: { error: Error | null; loading: boolean }) {
  if (error instanceof ApiError && error.status === 404) return <NotFoundPage />;
  if (error) {
    return (
      <p className="error-text" role="alert" data-testid="page-error">
        {error.message}
      </p>
    );
  }
  return loading ? (
    <p className="muted" data-testid="page-loading">
      Loading…
    </p>
  ) : null;
}
