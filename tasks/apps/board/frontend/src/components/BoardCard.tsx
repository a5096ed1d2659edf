import { useEffect, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { STATUS_LABELS, STATUS_ORDER } from '../../../shared/api';
import type { IssueSummary, Status } from '../../../shared/api';
import { canTransition, subIssueProgress } from '../lib/issues';
import { Avatar, CommentCount, DueDate, LabelChip, PriorityBadge } from './Badges';

export type CardCommand =
  | { kind: 'status'; status: Status }
  | { kind: 'column'; offset: -1 | 1 }
  | { kind: 'reorder'; offset: -1 | 1 }
  | { kind: 'edge'; edge: 'top' | 'bottom' }
  | { kind: 'focus'; dx: -1 | 0 | 1; dy: -1 | 0 | 1 };

interface Props {
  issue: IssueSummary;
  pending: boolean;
  canEdit: boolean;
  onCommand: (command: CardCommand) => void;
  cardRef: (element: HTMLElement | null) => void;
}

function CardMenu({ issue, onCommand, onClose }: { issue: IssueSummary; onCommand: (command: CardCommand) => void; onClose: () => void }) {
  const menu = useRef<HTMLDivElement>(null);
  useEffect(() => {
    menu.current?.querySelector<HTMLButtonElement>('button:not(:disabled)')?.focus();
    const onDown = (event: MouseEvent) => {
      if (menu.current && !menu.current.contains(event.target as Node)) onClose();
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [onClose]);

  const run = (command: CardCommand) => {
    onClose();
    onCommand(command);
  };

  return (
    <div
      className="menu"
      role="menu"
      ref={menu}
      onKeyDown={(event) => {
        event.stopPropagation();
        if (event.key === 'Escape') onClose();
      }}
      data-testid={`card-menu-${issue.key}`}
    >
      <span className="menu-label">Move to</span>
      {STATUS_ORDER.filter((status) => status !== issue.status).map((status) => (
        <button
          key={status}
          type="button"
          role="menuitem"
          className="menu-item"
          disabled={!canTransition(issue.status, status)}
          onClick={() => run({ kind: 'status', status })}
          data-testid={`card-move-${issue.key}-${status}`}
        >
          {STATUS_LABELS[status]}
        </button>
      ))}
      <span className="menu-label">Order</span>
      <button type="button" role="menuitem" className="menu-item" onClick={() => run({ kind: 'edge', edge: 'top' })} data-testid={`card-move-${issue.key}-top`}>
        Move to top
      </button>
      <button type="button" role="menuitem" className="menu-item" onClick={() => run({ kind: 'edge', edge: 'bottom' })} data-testid={`card-move-${issue.key}-bottom`}>
        Move to bottom
      </button>
    </div>
  );
}

/**
 * A kanban card. Focused, the arrow keys move the focus between cards, Shift+arrows move the card
 * (left/right: previous/next column, up/down: within the column), Enter opens the issue.
 */
export function BoardCard({ issue, pending, canEdit, onCommand, cardRef }: Props) {
  const navigate = useNavigate();
  const [menuOpen, setMenuOpen] = useState(false);

  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (event.target !== event.currentTarget) return;
    const arrows: Record<string, [-1 | 0 | 1, -1 | 0 | 1]> = {
      ArrowLeft: [-1, 0],
      ArrowRight: [1, 0],
      ArrowUp: [0, -1],
      ArrowDown: [0, 1],
    };
    const arrow = arrows[event.key];
    if (event.key === 'Enter') {
      event.preventDefault();
      navigate(`/issues/${issue.key}`);
    } else if (arrow && event.shiftKey && canEdit) {
      event.preventDefault();
      const [dx, dy] = arrow;
      if (dx !== 0) onCommand({ kind: 'column', offset: dx });
      else if (dy !== 0) onCommand({ kind: 'reorder', offset: dy });
    } else if (arrow && !event.shiftKey && !event.altKey && !event.metaKey && !event.ctrlKey) {
      event.preventDefault();
      onCommand({ kind: 'focus', dx: arrow[0], dy: arrow[1] });
    }
  };

  return (
    <article
      className={pending ? 'board-card pending' : 'board-card'}
      tabIndex={0}
      ref={cardRef}
      onKeyDown={onKeyDown}
      aria-label={`${issue.key} ${issue.title}`}
      data-testid={`board-card-${issue.key}`}
      data-status={issue.status}
    >
      <div className="board-card-top">
        <span className="key">{issue.key}</span>
        {issue.blocked && (
          <span className="small error-text" data-testid={`board-card-blocked-${issue.key}`}>
            Blocked
          </span>
        )}
        {canEdit && (
          <div className="menu-anchor">
            <button
              type="button"
              className="icon-button"
              aria-haspopup="menu"
              aria-expanded={menuOpen}
              aria-label={`Actions for ${issue.key}`}
              onClick={() => setMenuOpen((open) => !open)}
              data-testid={`card-menu-button-${issue.key}`}
            >
              ⋯
            </button>
            {menuOpen && <CardMenu issue={issue} onCommand={onCommand} onClose={() => setMenuOpen(false)} />}
          </div>
        )}
      </div>
      <Link to={`/issues/${issue.key}`} className="board-card-title" tabIndex={-1} data-testid={`board-card-link-${issue.key}`}>
        {issue.title}
      </Link>
      <div className="board-card-footer">
        <PriorityBadge priority={issue.priority} compact />
        {issue.labels.map((label) => (
          <LabelChip key={label.id} label={label} />
        ))}
        {issue.estimate !== null && <span className="count-chip">{issue.estimate} pt</span>}
        {issue.due_date && <DueDate date={issue.due_date} overdue={issue.overdue} />}
        {issue.sub_issue_count > 0 && <span className="count-chip">{subIssueProgress(issue)}</span>}
        {issue.comment_count > 0 && <CommentCount count={issue.comment_count} />}
        <span className="spacer" />
        <Avatar user={issue.assignee} />
      </div>
    </article>
  );
}
