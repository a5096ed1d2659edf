import { useEffect, useRef, useState } from 'react';
import { ISSUE_GROUPS, ISSUE_SORTS, PRIORITY_LABELS, PRIORITY_ORDER, STATUS_LABELS, STATUS_ORDER } from '../../../shared/api';
import type { IssueGroup, IssueSort, Label, Priority, Status, User } from '../../../shared/api';
import { activeFilterCount, GROUP_LABELS, SORT_LABELS } from '../lib/issues';
import type { IssueFilters } from '../lib/issues';

interface Option {
  value: string;
  label: string;
}

interface MultiSelectProps {
  name: string;
  label: string;
  options: Option[];
  selected: string[];
  onChange: (values: string[]) => void;
}

/** A button that opens a checklist; the button shows what is chosen ("Status: Todo +1"). */
function MultiSelect({ name, label, options, selected, onChange }: MultiSelectProps) {
  const [open, setOpen] = useState(false);
  const anchor = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDown = (event: MouseEvent) => {
      if (anchor.current && !anchor.current.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const chosen = options.filter((option) => selected.includes(option.value));
  const summary =
    chosen.length === 0 ? 'Any' : chosen.length === 1 ? chosen[0].label : `${chosen[0].label} +${chosen.length - 1}`;

  const toggle = (value: string) =>
    onChange(selected.includes(value) ? selected.filter((other) => other !== value) : [...selected, value]);

  return (
    <div className="field menu-anchor" ref={anchor} style={{ marginLeft: 0 }}>
      <span className="field-label" id={`filter-${name}-label`}>
        {label}
      </span>
      <button
        type="button"
        className="button button-small"
        aria-haspopup="true"
        aria-expanded={open}
        aria-labelledby={`filter-${name}-label`}
        onClick={() => setOpen((value) => !value)}
        data-testid={`filter-${name}`}
      >
        {summary} ▾
      </button>
      {open && (
        <div className="menu" style={{ left: 0, right: 'auto' }} data-testid={`filter-${name}-menu`}>
          {options.map((option) => (
            <label key={option.value} className="menu-item">
              <input
                type="checkbox"
                checked={selected.includes(option.value)}
                onChange={() => toggle(option.value)}
                data-testid={`filter-${name}-${option.value}`}
              />
              {option.label}
            </label>
          ))}
          {selected.length > 0 && (
            <button type="button" className="menu-item" onClick={() => onChange([])} data-testid={`filter-${name}-clear`}>
              Clear
            </button>
          )}
        </div>
      )}
    </div>
  );
}

interface Props {
  filters: IssueFilters;
  onChange: (changes: Partial<IssueFilters>) => void;
  users: User[];
  labels: Label[];
  /** Hide the assignee filter (My issues is already one assignee). */
  showAssignee?: boolean;
  /** The board orders columns itself: no sort, no grouping. */
  showSortAndGroup?: boolean;
}

export function FilterBar({ filters, onChange, users, labels, showAssignee = true, showSortAndGroup = true }: Props) {
  const statusOptions = STATUS_ORDER.map((status) => ({ value: status, label: STATUS_LABELS[status] }));
  const priorityOptions = PRIORITY_ORDER.map((priority) => ({ value: priority, label: PRIORITY_LABELS[priority] }));
  const assigneeOptions = [
    { value: 'me', label: 'Me' },
    { value: 'none', label: 'Unassigned' },
    ...users.map((user) => ({ value: String(user.id), label: user.name })),
  ];
  const labelOptions = labels.map((label) => ({ value: String(label.id), label: label.name }));

  return (
    <div className="filter-bar" data-testid="filter-bar">
      <MultiSelect
        name="status"
        label="Status"
        options={statusOptions}
        selected={filters.status}
        onChange={(values) => onChange({ status: values as Status[] })}
      />
      <MultiSelect
        name="priority"
        label="Priority"
        options={priorityOptions}
        selected={filters.priority}
        onChange={(values) => onChange({ priority: values as Priority[] })}
      />
      {showAssignee && (
        <MultiSelect
          name="assignee"
          label="Assignee"
          options={assigneeOptions}
          selected={filters.assignee}
          onChange={(values) => onChange({ assignee: values })}
        />
      )}
      <MultiSelect
        name="label"
        label="Label"
        options={labelOptions}
        selected={filters.label}
        onChange={(values) => onChange({ label: values })}
      />
      <label className="field field-inline" style={{ alignSelf: 'flex-end' }}>
        <input
          type="checkbox"
          checked={filters.overdue}
          onChange={(event) => onChange({ overdue: event.target.checked })}
          data-testid="filter-overdue"
        />
        <span>Overdue only</span>
      </label>
      {showSortAndGroup && (
        <>
          <label className="field">
            <span className="field-label">Sort by</span>
            <select
              value={filters.sort}
              onChange={(event) => onChange({ sort: event.target.value as IssueSort })}
              data-testid="sort-select"
            >
              {ISSUE_SORTS.map((sort) => (
                <option key={sort} value={sort}>
                  {SORT_LABELS[sort]}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span className="field-label">Group by</span>
            <select
              value={filters.group ?? ''}
              onChange={(event) => onChange({ group: (event.target.value || null) as IssueGroup | null })}
              data-testid="group-select"
            >
              <option value="">No grouping</option>
              {ISSUE_GROUPS.map((group) => (
                <option key={group} value={group}>
                  {GROUP_LABELS[group]}
                </option>
              ))}
            </select>
          </label>
        </>
      )}
      {activeFilterCount(filters) > 0 && (
        <button
          type="button"
          className="button button-ghost button-small"
          style={{ alignSelf: 'flex-end' }}
          onClick={() => onChange({ status: [], priority: [], assignee: [], label: [], overdue: false })}
          data-testid="filter-clear"
        >
          Clear filters ({activeFilterCount(filters)})
        </button>
      )}
    </div>
  );
}
