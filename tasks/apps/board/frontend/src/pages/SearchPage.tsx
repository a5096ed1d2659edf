import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import type { SearchField, SearchResult } from '../../../shared/api';
import { api } from '../api';
import { StatusBadge } from '../components/Badges';
import { useQuery } from '../hooks/useQuery';
import { HighlightedSnippet } from '../lib/highlight';

const FIELD_LABELS: Record<SearchField, string> = {
  key: 'Key',
  title: 'Title',
  description: 'Description',
  comment: 'Comment',
};

function ResultItem({ result, query }: { result: SearchResult; query: string }) {
  const { issue } = result;
  const titleHit = result.hits.find((hit) => hit.field === 'title');
  const keyHit = result.hits.find((hit) => hit.field === 'key');
  const otherHits = result.hits.filter((hit) => hit.field === 'description' || hit.field === 'comment');
  return (
    <li className="search-result" data-testid={`search-result-${issue.key}`}>
      <div className="row">
        <StatusBadge status={issue.status} />
        <Link to={`/issues/${issue.key}`} data-testid={`search-result-link-${issue.key}`}>
          <span className="key">
            {keyHit ? <HighlightedSnippet text={keyHit.snippet} ranges={keyHit.ranges} query={query} /> : issue.key}
          </span>{' '}
          {titleHit ? (
            <HighlightedSnippet
              text={titleHit.snippet}
              ranges={titleHit.ranges}
              query={query}
              testId={`search-result-title-${issue.key}`}
            />
          ) : (
            <span data-testid={`search-result-title-${issue.key}`}>{issue.title}</span>
          )}
        </Link>
      </div>
      {otherHits.map((hit, i) => (
        <div key={i} className="search-snippet" data-testid={`search-hit-${issue.key}-${i}`}>
          <span className="role-chip">{FIELD_LABELS[hit.field]}</span>{' '}
          <HighlightedSnippet text={hit.snippet} ranges={hit.ranges} query={query} />
        </div>
      ))}
    </li>
  );
}

export function SearchPage() {
  const [params, setParams] = useSearchParams();
  const q = (params.get('q') ?? '').trim();
  const [text, setText] = useState(q);
  const results = useQuery(q ? `search:${q}` : null, () => api.search(q));

  useEffect(() => setText(q), [q]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = text.trim();
    setParams(trimmed ? { q: trimmed } : {});
  };

  // results for an older query (still on screen while the new one loads) are not shown as current
  const data = results.data && results.data.query.trim() === q ? results.data : undefined;

  return (
    <section data-testid="search-page">
      <div className="page-header">
        <h1>Search</h1>
      </div>
      <form className="inline-form" role="search" onSubmit={submit}>
        <label className="field" style={{ flex: 1, maxWidth: 520 }}>
          <span className="field-label">Issues and comments</span>
          <input
            type="search"
            value={text}
            placeholder="Key, words from a title, description or comment"
            onChange={(event) => setText(event.target.value)}
            data-testid="search-page-input"
          />
        </label>
        <button type="submit" className="button button-primary" data-testid="search-submit">
          Search
        </button>
      </form>
      {!q && <p className="muted">Type something to search for.</p>}
      {q && results.error && (
        <p className="error-text" role="alert" data-testid="search-error">
          {results.error.message}
        </p>
      )}
      {q && results.loading && !data && <p className="muted">Searching…</p>}
      {q && data && data.results.length === 0 && (
        <p className="empty" data-testid="search-empty">
          No issues or comments match “{q}”.
        </p>
      )}
      {q && data && data.results.length > 0 && (
        <>
          <p className="small muted" data-testid="search-count">
            {data.results.length === 1 ? '1 result' : `${data.results.length} results`}
          </p>
          <ul className="search-results" data-testid="search-results">
            {data.results.map((result) => (
              <ResultItem key={result.issue.key} result={result} query={q} />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
