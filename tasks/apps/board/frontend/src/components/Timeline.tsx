import { useState } from 'react';
import { COMMENT_EDIT_WINDOW_MINUTES, COMMENT_MAX_LENGTH, PRIORITY_LABELS, STATUS_LABELS } from '../../../shared/api';
import type { ActivityEntry, Comment } from '../../../shared/api';
import { formatInstant, formatRelative, minutesLeftToEdit } from '../lib/dates';
import { isPriority, isStatus } from '../lib/issues';
import { Avatar } from './Badges';
import { Markdown } from './Markdown';
import { MarkdownEditor } from './MarkdownEditor';

export type TimelineItem =
  | { kind: 'comment'; at: string; comment: Comment }
  | { kind: 'activity'; at: string; entry: ActivityEntry };

/** Comments and history in one list, oldest first; at the same instant the change comes first. */
export function mergeTimeline(comments: Comment[], activity: ActivityEntry[]): TimelineItem[] {
  const items: TimelineItem[] = [
    ...activity.map((entry): TimelineItem => ({ kind: 'activity', at: entry.created_at, entry })),
    ...comments.map((comment): TimelineItem => ({ kind: 'comment', at: comment.created_at, comment })),
  ];
  const time = (item: TimelineItem) => new Date(item.at).getTime();
  return items.sort((a, b) => time(a) - time(b) || (a.kind === b.kind ? 0 : a.kind === 'activity' ? -1 : 1));
}

const FIELD_NAMES: Record<ActivityEntry['field'], string> = {
  created: 'created the issue',
  title: 'title',
  description: 'description',
  status: 'status',
  priority: 'priority',
  assignee: 'assignee',
  labels: 'labels',
  estimate: 'estimate',
  due_date: 'due date',
  cycle: 'cycle',
  parent: 'parent issue',
  relation: 'relations',
};

/** Status and priority values come as codes; show them as the app names them elsewhere. */
function displayValue(field: ActivityEntry['field'], value: string | null): string | null {
  if (value === null) return null;
  if (field === 'status' && isStatus(value)) return STATUS_LABELS[value];
  if (field === 'priority' && isPriority(value)) return PRIORITY_LABELS[value];
  if (field === 'estimate') return `${value} ${value === '1' ? 'point' : 'points'}`;
  return value;
}

export function describeActivity(entry: ActivityEntry): string {
  if (entry.field === 'created') return 'created the issue';
  if (entry.field === 'description') return 'updated the description';
  const name = FIELD_NAMES[entry.field];
  const from = displayValue(entry.field, entry.from);
  const to = displayValue(entry.field, entry.to);
  if (entry.field === 'relation') {
    if (to && !from) return `added relation ${to}`;
    if (from && !to) return `removed relation ${from}`;
  }
  if (from === null && to !== null) return `set ${name} to ${to}`;
  if (from !== null && to === null) return `removed ${name} ${from}`;
  return `changed ${name} from ${from ?? 'none'} to ${to ?? 'none'}`;
}

interface CommentProps {
  comment: Comment;
  timeZone: string;
  onSave: (id: number, body: string) => Promise<boolean>;
  onDelete: (id: number) => void;
}

function CommentItem({ comment, timeZone, onSave, onDelete }: CommentProps) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(comment.body);
  const [saving, setSaving] = useState(false);
  // the server has the last word; this only hides the button once the window has visibly passed
  const editable = comment.can_edit && minutesLeftToEdit(comment.created_at, COMMENT_EDIT_WINDOW_MINUTES) > 0;

  const save = async () => {
    if (!draft.trim()) return;
    setSaving(true);
    const ok = await onSave(comment.id, draft);
    setSaving(false);
    if (ok) setEditing(false);
  };

  return (
    <li className="comment" data-testid={`comment-${comment.id}`}>
      <Avatar user={comment.author} />
      <div className="comment-body">
        <div className="comment-header">
          <strong data-testid={`comment-author-${comment.id}`}>{comment.author.name}</strong>
          <time dateTime={comment.created_at} title={formatInstant(comment.created_at, timeZone)}>
            {formatRelative(comment.created_at, new Date(), timeZone)}
          </time>
          {comment.edited && (
            <span data-testid={`comment-edited-${comment.id}`} title={formatInstant(comment.updated_at, timeZone)}>
              (edited)
            </span>
          )}
          <span className="comment-actions">
            {editable && !editing && (
              <button
                type="button"
                className="link-button small"
                onClick={() => {
                  setDraft(comment.body);
                  setEditing(true);
                }}
                data-testid={`comment-edit-${comment.id}`}
              >
                Edit
              </button>
            )}
            {comment.can_delete && !editing && (
              <button
                type="button"
                className="link-button small"
                onClick={() => {
                  if (window.confirm('Delete this comment?')) onDelete(comment.id);
                }}
                data-testid={`comment-delete-${comment.id}`}
              >
                Delete
              </button>
            )}
          </span>
        </div>
        {editing ? (
          <div>
            <MarkdownEditor
              label="Edit comment"
              value={draft}
              onChange={setDraft}
              maxLength={COMMENT_MAX_LENGTH}
              autoFocus
              onSubmitShortcut={save}
              testId={`comment-edit-body-${comment.id}`}
            />
            <div className="form-actions">
              <button type="button" className="button button-small" onClick={() => setEditing(false)} data-testid={`comment-edit-cancel-${comment.id}`}>
                Cancel
              </button>
              <button
                type="button"
                className="button button-small button-primary"
                disabled={saving || !draft.trim()}
                onClick={save}
                data-testid={`comment-edit-save-${comment.id}`}
              >
                Save
              </button>
            </div>
          </div>
        ) : (
          <Markdown source={comment.body} testId={`comment-body-${comment.id}`} />
        )}
      </div>
    </li>
  );
}

interface Props {
  items: TimelineItem[];
  timeZone: string;
  onSaveComment: (id: number, body: string) => Promise<boolean>;
  onDeleteComment: (id: number) => void;
}

export function Timeline({ items, timeZone, onSaveComment, onDeleteComment }: Props) {
  if (items.length === 0) return <p className="muted">No activity yet.</p>;
  return (
    <ol className="timeline" data-testid="timeline">
      {items.map((item) =>
        item.kind === 'comment' ? (
          <CommentItem
            key={`c${item.comment.id}`}
            comment={item.comment}
            timeZone={timeZone}
            onSave={onSaveComment}
            onDelete={onDeleteComment}
          />
        ) : (
          <li key={`a${item.entry.id}`} className="timeline-activity" data-testid={`activity-${item.entry.id}`}>
            <strong>{item.entry.actor.name}</strong> {describeActivity(item.entry)} ·{' '}
            <time dateTime={item.entry.created_at} title={formatInstant(item.entry.created_at, timeZone)}>
              {formatRelative(item.entry.created_at, new Date(), timeZone)}
            </time>
          </li>
        ),
      )}
    </ol>
  );
}
