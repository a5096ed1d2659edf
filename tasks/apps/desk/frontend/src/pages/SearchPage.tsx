import { useEffect, useState } from 'preact/hooks';
import { StatusBadge } from '../components/Badges';
import { Api } from '../lib/api';
import { Link, useRoute } from '../lib/router';
import type { SearchResult } from '../types';

const MATCH_LABELS: Record<SearchResult['match'], string> = {
  subject: 'Subject',
  description: 'Description',
  comment: 'Comment',
};

export function SearchPage() {
  const q = (useRoute().query.q ?? '').trim();
  const [results, setResults] = useState<SearchResult[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    setResults(null);
    setError(null);
    if (!q) return;
    Api.search(q)
      .then(({ tickets }) => current && setResults(tickets))
      .catch((err: Error) => current && setError(err.message));
    return () => {
      current = false;
    };
  }, [q]);

  return (
    <section class="page" data-testid="search-page">
      <h1>Search</h1>
      {!q && <p class="muted">Type in the search box above to find tickets.</p>}
      {error && (
        <p class="form-error" role="alert" data-testid="search-error">
          {error}
        </p>
      )}
      {results && results.length === 0 && (
        <p class="empty" data-testid="search-empty">
          No tickets match “{q}”.
        </p>
      )}
      {results && results.length > 0 && (
        <ul class="search-results" data-testid="search-results">
          {results.map((result) => (
            <li key={result.id} class="card" data-testid={`search-result-${result.id}`}>
              <div class="search-result-head">
                <Link href={`/tickets/${result.id}`} data-testid={`search-link-${result.id}`}>
                  <span class="ticket-id">#{result.id}</span> {result.subject}
                </Link>
                <StatusBadge status={result.status} />
              </div>
              <p class="snippet">
                <span class="muted" data-testid={`search-match-${result.id}`}>
                  {MATCH_LABELS[result.match]}:
                </span>{' '}
                <span data-testid={`search-snippet-${result.id}`}>{result.snippet}</span>
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
