import { useCallback, useEffect, useRef, useState } from 'react';
import type { IssueListQuery, IssueSummary, ListPage } from '../../../shared/api';

export interface IssueListState {
  issues: IssueSummary[];
  total: number;
  loading: boolean;
  loadingMore: boolean;
  error: Error | null;
  hasMore: boolean;
  loadMore: () => void;
  reload: () => void;
  /** Local edit of the loaded issues (optimistic updates); returns nothing, call `reload` to resync. */
  setIssues: (update: (issues: IssueSummary[]) => IssueSummary[]) => void;
}

/**
 * A paginated issue list (50 per page, cursor based). `queryKey` identifies the filters: when it
 * changes the list starts over, and any page still in flight for the old filters is dropped.
 */
export function useIssueList(
  queryKey: string,
  fetchPage: (query: IssueListQuery) => Promise<ListPage<IssueSummary>>,
  query: IssueListQuery,
): IssueListState {
  const [issues, setIssuesState] = useState<IssueSummary[]>([]);
  const [total, setTotal] = useState(0);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [version, setVersion] = useState(0);
  const generation = useRef(0);
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;
  const queryRef = useRef(query);
  queryRef.current = query;

  useEffect(() => {
    const id = ++generation.current;
    setLoading(true);
    setError(null);
    fetchRef.current(queryRef.current).then(
      (page) => {
        if (id !== generation.current) return;
        setIssuesState(page.items);
        setTotal(page.total);
        setCursor(page.next_cursor);
        setLoading(false);
      },
      (err: unknown) => {
        if (id !== generation.current) return;
        setError(err instanceof Error ? err : new Error(String(err)));
        setIssuesState([]);
        setLoading(false);
      },
    );
    return () => {
      generation.current++;
    };
  }, [queryKey, version]);

  const loadMore = useCallback(() => {
    if (!cursor || loadingMore) return;
    const id = generation.current;
    setLoadingMore(true);
    fetchRef.current({ ...queryRef.current, cursor }).then(
      (page) => {
        if (id !== generation.current) return;
        setIssuesState((prev) => {
          // an issue that moved between pages while paging must not show twice
          const seen = new Set(prev.map((issue) => issue.key));
          return [...prev, ...page.items.filter((issue) => !seen.has(issue.key))];
        });
        setTotal(page.total);
        setCursor(page.next_cursor);
        setLoadingMore(false);
      },
      (err: unknown) => {
        if (id !== generation.current) return;
        setError(err instanceof Error ? err : new Error(String(err)));
        setLoadingMore(false);
      },
    );
  }, [cursor, loadingMore]);

  const reload = useCallback(() => setVersion((v) => v + 1), []);
  const setIssues = useCallback((update: (issues: IssueSummary[]) => IssueSummary[]) => setIssuesState(update), []);

  return { issues, total, loading, loadingMore, error, hasMore: cursor !== null, loadMore, reload, setIssues };
}
