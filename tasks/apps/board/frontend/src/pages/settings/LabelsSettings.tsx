import { useState } from 'react';
import type { FormEvent } from 'react';
import { LABEL_COLORS } from '../../../../shared/api';
import type { Label, LabelColor } from '../../../../shared/api';
import { api } from '../../api';
import { LABEL_HEX } from '../../components/Badges';
import { PageState } from '../../components/PageState';
import { useQuery } from '../../hooks/useQuery';
import { showToast, toastError } from '../../lib/toasts';

const NAME_MAX = 40;

/** Label names are unique ignoring case (and surrounding spaces); `except` is the label being renamed. */
export function labelNameProblem(name: string, labels: Label[], except?: number): string | null {
  const trimmed = name.trim();
  if (!trimmed) return 'Give the label a name.';
  if (trimmed.length > NAME_MAX) return `Label names are limited to ${NAME_MAX} characters.`;
  const taken = labels.some((label) => label.id !== except && label.name.trim().toLowerCase() === trimmed.toLowerCase());
  return taken ? `A label named “${trimmed}” already exists.` : null;
}

function Palette({ value, onChange, testId }: { value: LabelColor; onChange: (color: LabelColor) => void; testId: string }) {
  return (
    <div className="palette" role="group" aria-label="Colour">
      {LABEL_COLORS.map((color) => (
        <button
          key={color}
          type="button"
          className="palette-option"
          style={{ background: LABEL_HEX[color] }}
          aria-pressed={value === color}
          aria-label={color}
          onClick={() => onChange(color)}
          data-testid={`${testId}-${color}`}
        />
      ))}
    </div>
  );
}

function LabelRow({ label, labels, canEdit, onSaved, onDeleted }: {
  label: Label;
  labels: Label[];
  canEdit: boolean;
  onSaved: (label: Label) => void;
  onDeleted: (id: number) => void;
}) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(label.name);
  const [color, setColor] = useState<LabelColor>(label.color);
  const [error, setError] = useState<string | null>(null);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const problem = labelNameProblem(name, labels, label.id);
    if (problem) {
      setError(problem);
      return;
    }
    try {
      onSaved(await api.updateLabel(label.id, { name: name.trim(), color }));
      setEditing(false);
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  const remove = async () => {
    const uses = label.issue_count === 1 ? '1 issue' : `${label.issue_count} issues`;
    if (!window.confirm(`Delete the label “${label.name}”? It is on ${uses}.`)) return;
    try {
      await api.deleteLabel(label.id);
      onDeleted(label.id);
    } catch (err) {
      toastError(err);
    }
  };

  if (editing) {
    return (
      <tr data-testid={`label-row-${label.id}`}>
        <td colSpan={3}>
          <form className="inline-form" onSubmit={save} noValidate style={{ margin: 0 }}>
            <label className="field">
              <span className="field-label">Name</span>
              <input value={name} onChange={(event) => setName(event.target.value)} data-testid={`label-name-input-${label.id}`} />
            </label>
            <Palette value={color} onChange={setColor} testId={`label-color-${label.id}`} />
            <button type="submit" className="button button-primary button-small" data-testid={`label-save-${label.id}`}>
              Save
            </button>
            <button type="button" className="button button-small" onClick={() => setEditing(false)} data-testid={`label-cancel-${label.id}`}>
              Cancel
            </button>
            {error && (
              <span className="field-error" role="alert" data-testid={`label-error-${label.id}`}>
                {error}
              </span>
            )}
          </form>
        </td>
      </tr>
    );
  }
  return (
    <tr data-testid={`label-row-${label.id}`}>
      <td>
        <span className="label-chip">
          <span className="label-swatch" style={{ background: LABEL_HEX[label.color] }} aria-hidden="true" />
          <span data-testid={`label-name-${label.id}`}>{label.name}</span>
        </span>
      </td>
      <td className="small muted">{label.issue_count === 1 ? '1 issue' : `${label.issue_count} issues`}</td>
      <td>
        {canEdit && (
          <span className="row">
            <button
              type="button"
              className="button button-small"
              onClick={() => {
                setName(label.name);
                setColor(label.color);
                setEditing(true);
              }}
              data-testid={`label-edit-${label.id}`}
            >
              Edit
            </button>
            <button type="button" className="button button-small button-danger" onClick={remove} data-testid={`label-delete-${label.id}`}>
              Delete
            </button>
          </span>
        )}
      </td>
    </tr>
  );
}

export function LabelsSettings({ canEdit }: { canEdit: boolean }) {
  const labels = useQuery('labels', api.labels);
  const [name, setName] = useState('');
  const [color, setColor] = useState<LabelColor>('blue');
  const [error, setError] = useState<string | null>(null);

  if (!labels.data) return <PageState error={labels.error} loading={labels.loading} />;
  const list = [...labels.data].sort((a, b) => a.name.localeCompare(b.name));

  const create = async (event: FormEvent) => {
    event.preventDefault();
    const problem = labelNameProblem(name, list);
    if (problem) {
      setError(problem);
      return;
    }
    try {
      const label = await api.createLabel({ name: name.trim(), color });
      labels.setData((current) => [...current, label]);
      showToast(`Created label ${label.name}`, 'success');
      setName('');
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <section data-testid="labels-settings">
      <h2>Labels</h2>
      {canEdit && (
        <form className="card inline-form" onSubmit={create} noValidate data-testid="new-label-form">
          <label className="field">
            <span className="field-label">New label</span>
            <input value={name} maxLength={NAME_MAX + 10} onChange={(event) => setName(event.target.value)} data-testid="new-label-name" />
          </label>
          <Palette value={color} onChange={setColor} testId="new-label-color" />
          <button type="submit" className="button button-primary" data-testid="new-label-submit">
            Add label
          </button>
          {error && (
            <span className="field-error" role="alert" data-testid="new-label-error">
              {error}
            </span>
          )}
        </form>
      )}
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Label</th>
            <th scope="col">Used on</th>
            <th scope="col" aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {list.map((label) => (
            <LabelRow
              key={label.id}
              label={label}
              labels={list}
              canEdit={canEdit}
              onSaved={(saved) => labels.setData((current) => current.map((other) => (other.id === saved.id ? saved : other)))}
              onDeleted={(id) => labels.setData((current) => current.filter((other) => other.id !== id))}
            />
          ))}
        </tbody>
      </table>
    </section>
  );
}
