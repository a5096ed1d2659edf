import { useCallback, useMemo } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { filtersToQuery, parseFilters } from '../lib/issues';
import type { IssueFilters } from '../lib/issues';

/**
 * The list filters, read from and written to the URL query, so a reload or a shared link shows
 * the same list. Changing a filter replaces the history entry rather than stacking one per click.
 * Returns the filters, a function to change some of them, and their canonical query string.
 */
export function useFilters(): [IssueFilters, (changes: Partial<IssueFilters>) => void, string] {
  const { pathname, search } = useLocation();
  const navigate = useNavigate();
  const filters = useMemo(() => parseFilters(new URLSearchParams(search)), [search]);
  const update = useCallback(
    (changes: Partial<IssueFilters>) => {
      const query = filtersToQuery({ ...filters, ...changes });
      navigate({ pathname, search: query ? `?${query}` : '' }, { replace: true });
    },
    [filters, navigate, pathname],
  );
  return [filters, update, filtersToQuery(filters)];
}
