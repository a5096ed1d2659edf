import { useParams } from 'react-router-dom';
import { api } from '../api';
import { FilterBar } from '../components/FilterBar';
import { IssueList } from '../components/IssueList';
import { PageState } from '../components/PageState';
import { ProjectHeader } from '../components/ProjectHeader';
import { SavedViews } from '../components/SavedViews';
import { useFilters } from '../hooks/useFilters';
import { useIssueList } from '../hooks/useIssueList';
import { useLabels, useProject, useProjectMembers } from '../hooks/useReferenceData';
import { toListQuery } from '../lib/issues';

export function ProjectListPage() {
  const { key = '' } = useParams();
  const project = useProject(key);
  const members = useProjectMembers(key);
  const labels = useLabels();
  const [filters, setFilters, queryText] = useFilters();
  const list = useIssueList(`${key}?${queryText}`, (query) => api.issues(key, query), toListQuery(filters));

  if (!project.data) return <PageState error={project.error} loading={project.loading} />;

  return (
    <section data-testid="project-list-page">
      <ProjectHeader project={project.data} onIssueCreated={list.reload} />
      <SavedViews projectKey={key} basePath={`/projects/${key}`} currentQuery={queryText} />
      <FilterBar filters={filters} onChange={setFilters} users={members.data ?? []} labels={labels.data ?? []} />
      <IssueList list={list} group={filters.group} emptyText="No issues match these filters." />
    </section>
  );
}
