import { MAX_PAGE_SIZE } from '../../../shared/api';
import type { IssueListQuery, IssueSummary } from '../../../shared/api';
import { api } from '../api';
import { useQuery } from './useQuery';
import type { QueryState } from './useQuery';

/** Every page of a project's issues, for the board (which shows all of them at once). */
async function fetchAll(projectKey: string, query: IssueListQuery): Promise<IssueSummary[]> {
  const issues: IssueSummary[] = [];
  let cursor: string | null = null;
  do {
    const page = await api.issues(projectKey, { ...query, sort: 'manual', limit: String(MAX_PAGE_SIZE), cursor: cursor ?? undefined });
    issues.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return issues;
}

export function useBoardIssues(projectKey: string, queryKey: string, query: IssueListQuery): QueryState<IssueSummary[]> {
  return useQuery(`board:${projectKey}?${queryKey}`, () => fetchAll(projectKey, query));
}
