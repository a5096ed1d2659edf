import { api } from '../api';
import type { Cycle, Label, Project, ProjectMember } from '../../../shared/api';
import { useQuery } from './useQuery';
import type { QueryState } from './useQuery';

export function useProjects(): QueryState<Project[]> {
  return useQuery('projects', api.projects);
}

export function useProject(key: string): QueryState<Project> {
  return useQuery(`project:${key}`, () => api.project(key));
}

export function useLabels(): QueryState<Label[]> {
  return useQuery('labels', api.labels);
}

export function useProjectMembers(key: string | null): QueryState<ProjectMember[]> {
  return useQuery(key ? `project-members:${key}` : null, () => api.projectMembers(key ?? ''));
}

export function useCycles(projectKey: string | null): QueryState<Cycle[]> {
  return useQuery(projectKey ? `cycles:${projectKey}` : null, () => api.cycles(projectKey ?? ''));
}
