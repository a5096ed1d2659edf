import { useCallback, useEffect, useRef, useState } from 'react';
import { useParams } from 'react-router-dom';
import { STATUS_LABELS, STATUS_ORDER } from '../../../shared/api';
import type { IssueSummary, Status } from '../../../shared/api';
import { api, isConflict } from '../api';
import { BoardCard } from '../components/BoardCard';
import type { CardCommand } from '../components/BoardCard';
import { FilterBar } from '../components/FilterBar';
import { PageState } from '../components/PageState';
import { ProjectHeader } from '../components/ProjectHeader';
import { useBoardIssues } from '../hooks/useBoardIssues';
import { useFilters } from '../hooks/useFilters';
import { useLabels, useProject, useProjectMembers } from '../hooks/useReferenceData';
import { openCreateDialog } from '../lib/createDialog';
import { applyMove, boardColumns, canTransition, neighboursAt, toListQuery, totalPoints } from '../lib/issues';
import { showToast } from '../lib/toasts';

interface MoveTarget {
  status: Status;
  /** Position in the destination column once the card is taken out of it. */
  index: number;
}

/** Where a keyboard or menu command sends a card, or null when it stays put. */
function targetFor(command: CardCommand, issue: IssueSummary, columns: Record<Status, IssueSummary[]>): MoveTarget | null {
  const column = columns[issue.status];
  const position = column.findIndex((other) => other.key === issue.key);
  switch (command.kind) {
    case 'status':
      return { status: command.status, index: columns[command.status].length };
    case 'column': {
      const next = STATUS_ORDER[STATUS_ORDER.indexOf(issue.status) + command.offset];
      if (!next) return null;
      return { status: next, index: Math.min(position, columns[next].length) };
    }
    case 'reorder': {
      const index = position + command.offset;
      if (index < 0 || index >= column.length) return null;
      return { status: issue.status, index };
    }
    case 'edge':
      return { status: issue.status, index: command.edge === 'top' ? 0 : column.length - 1 };
    case 'focus':
      return null;
  }
}

export function ProjectBoardPage() {
  const { key = '' } = useParams();
  const project = useProject(key);
  const members = useProjectMembers(key);
  const labels = useLabels();
  const [filters, setFilters, queryText] = useFilters();
  const board = useBoardIssues(key, queryText, toListQuery(filters));
  const [pending, setPending] = useState<Set<string>>(() => new Set());
  const cards = useRef(new Map<string, HTMLElement>());
  const focusAfterRender = useRef<string | null>(null);

  const issues = board.data ?? [];
  const columns = boardColumns(issues);
  const canEdit = project.data?.can_edit_issues === true && !project.data.archived;

  useEffect(() => {
    // a moved card is a new element in another column: give it the focus back
    if (focusAfterRender.current) {
      cards.current.get(focusAfterRender.current)?.focus();
      focusAfterRender.current = null;
    }
  });

  const setCardRef = useCallback(
    (issueKey: string) => (element: HTMLElement | null) => {
      if (element) cards.current.set(issueKey, element);
      else cards.current.delete(issueKey);
    },
    [],
  );

  const moveFocus = (issue: IssueSummary, dx: number, dy: number) => {
    let columnIndex = STATUS_ORDER.indexOf(issue.status);
    let row = columns[issue.status].findIndex((other) => other.key === issue.key);
    if (dy !== 0) row += dy;
    if (dx !== 0) {
      // skip empty columns
      do columnIndex += dx;
      while (columnIndex >= 0 && columnIndex < STATUS_ORDER.length && columns[STATUS_ORDER[columnIndex]].length === 0);
    }
    const column = columns[STATUS_ORDER[columnIndex]];
    if (!column || column.length === 0) return;
    const target = column[Math.max(0, Math.min(row, column.length - 1))];
    cards.current.get(target.key)?.focus();
  };

  const move = async (issue: IssueSummary, target: MoveTarget) => {
    if (!canTransition(issue.status, target.status)) {
      showToast(`${issue.key} cannot move from ${STATUS_LABELS[issue.status]} to ${STATUS_LABELS[target.status]}.`, 'error');
      return;
    }
    const destination = columns[target.status].filter((other) => other.key !== issue.key);
    const neighbours = neighboursAt(destination, target.index);
    const previous = issue;
    focusAfterRender.current = issue.key;
    board.setData((list) => applyMove(list, issue.key, target.status, target.index));
    setPending((keys) => new Set(keys).add(issue.key));
    try {
      const moved = await api.moveIssue(issue.key, { status: target.status, ...neighbours });
      board.setData((list) => list.map((other) => (other.key === moved.key ? moved : other)));
      if (moved.status !== previous.status) {
        showToast(`${moved.key} moved to ${STATUS_LABELS[moved.status]}`, 'success');
      }
    } catch (err) {
      // put the card back where it was; other cards moved meanwhile keep their new places
      board.setData((list) => list.map((other) => (other.key === previous.key ? previous : other)));
      focusAfterRender.current = issue.key;
      const message = err instanceof Error ? err.message : String(err);
      showToast(isConflict(err) ? `Could not move ${issue.key}: ${message}` : message, 'error');
    } finally {
      setPending((keys) => {
        const next = new Set(keys);
        next.delete(issue.key);
        return next;
      });
    }
  };

  const onCommand = (issue: IssueSummary, command: CardCommand) => {
    if (command.kind === 'focus') {
      moveFocus(issue, command.dx, command.dy);
      return;
    }
    if (pending.has(issue.key)) return;
    const target = targetFor(command, issue, columns);
    if (target) void move(issue, target);
  };

  if (!project.data) return <PageState error={project.error} loading={project.loading} />;

  return (
    <section data-testid="board-page">
      <ProjectHeader project={project.data} onIssueCreated={board.reload} />
      <FilterBar
        filters={filters}
        onChange={setFilters}
        users={members.data ?? []}
        labels={labels.data ?? []}
        showSortAndGroup={false}
      />
      {canEdit && (
        <p className="board-hint" data-testid="board-hint">
          Focus a card: arrow keys move between cards, Shift + arrows move the card, Enter opens it. Or use a card’s ⋯ menu.
        </p>
      )}
      {board.error && (
        <p className="error-text" role="alert" data-testid="board-error">
          {board.error.message}
        </p>
      )}
      {board.loading && !board.data && <p className="muted">Loading board…</p>}
      <div className="board" data-testid="board">
        {STATUS_ORDER.map((status) => (
          <section
            key={status}
            className="board-column"
            aria-label={STATUS_LABELS[status]}
            data-testid={`board-column-${status}`}
          >
            <header className="board-column-header">
              <span className={`status-badge status-${status}`}>
                <span className="status-dot" aria-hidden="true" />
              </span>
              <span>{STATUS_LABELS[status]}</span>
              <span className="count-chip" data-testid={`board-column-count-${status}`}>
                {columns[status].length}
              </span>
              <span className="board-column-points" data-testid={`board-column-points-${status}`}>
                {totalPoints(columns[status])} pt
              </span>
              {canEdit && (
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`New issue in ${STATUS_LABELS[status]}`}
                  onClick={() => openCreateDialog({ projectKey: key, status, onCreated: board.reload })}
                  data-testid={`board-column-add-${status}`}
                >
                  +
                </button>
              )}
            </header>
            {columns[status].map((issue) => (
              <BoardCard
                key={issue.key}
                issue={issue}
                pending={pending.has(issue.key)}
                canEdit={canEdit}
                onCommand={(command) => onCommand(issue, command)}
                cardRef={setCardRef(issue.key)}
              />
            ))}
          </section>
        ))}
      </div>
    </section>
  );
}
