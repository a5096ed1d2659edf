import { api } from '../api';
import { FilterBar } from '../components/FilterBar';
import { IssueList } from '../components/IssueList';
import { SavedViews } from '../components/SavedViews';
import { useFilters } from '../hooks/useFilters';
import { useIssueList } from '../hooks/useIssueList';
import { useLabels } from '../hooks/useReferenceData';
import { toListQuery } from '../lib/issues';

/** Issues assigned to the signed-in user, across projects. */
export function MyIssuesPage() {
  const labels = useLabels();
  const [filters, setFilters, queryText] = useFilters();
  const list = useIssueList(`my?${queryText}`, api.myIssues, toListQuery(filters));

  return (
    <section data-testid="my-issues-page">
      <div className="page-header">
        <h1>My issues</h1>
      </div>
      <SavedViews projectKey={null} basePath="/my-issues" currentQuery={queryText} />
      <FilterBar filters={filters} onChange={setFilters} users={[]} labels={labels.data ?? []} showAssignee={false} />
      <IssueList list={list} group={filters.group} emptyText="Nothing assigned to you matches these filters." />
    </section>
  );
}
