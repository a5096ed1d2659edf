import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api';
import { useQuery } from '../hooks/useQuery';
import { showToast, toastError } from '../lib/toasts';

interface Props {
  /** The project the list shows, or null for "My issues". */
  projectKey: string | null;
  /** The list page's path, e.g. "/projects/WEB". */
  basePath: string;
  /** The current filters as a query string (without "?"). */
  currentQuery: string;
}

/** The user's saved views of this list, and a form to save the current filters as one. */
export function SavedViews({ projectKey, basePath, currentQuery }: Props) {
  const views = useQuery('views', api.views);
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');

  const mine = (views.data ?? []).filter((view) => view.project_key === projectKey);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return;
    try {
      await api.createView({ name: trimmed, query: currentQuery, project_key: projectKey });
      showToast(`Saved view “${trimmed}”`, 'success');
      setName('');
      setNaming(false);
      views.reload();
    } catch (err) {
      toastError(err);
    }
  };

  const remove = async (id: number) => {
    try {
      await api.deleteView(id);
      views.setData((list) => list.filter((view) => view.id !== id));
    } catch (err) {
      toastError(err);
    }
  };

  return (
    <div className="saved-views" data-testid="saved-views">
      {mine.map((view) => (
        <span key={view.id} className="saved-view" data-testid={`saved-view-${view.id}`}>
          <Link to={view.query ? `${basePath}?${view.query}` : basePath} data-testid={`saved-view-link-${view.id}`}>
            {view.name}
          </Link>
          <button
            type="button"
            className="icon-button"
            aria-label={`Delete view ${view.name}`}
            onClick={() => remove(view.id)}
            data-testid={`saved-view-delete-${view.id}`}
          >
            ×
          </button>
        </span>
      ))}
      {naming ? (
        <form className="row" onSubmit={save}>
          <label htmlFor="view-name" className="visually-hidden">
            View name
          </label>
          <input
            id="view-name"
            value={name}
            autoFocus
            placeholder="View name"
            maxLength={80}
            onChange={(event) => setName(event.target.value)}
            data-testid="save-view-name"
          />
          <button type="submit" className="button button-small button-primary" data-testid="save-view-submit">
            Save
          </button>
          <button type="button" className="button button-small" onClick={() => setNaming(false)} data-testid="save-view-cancel">
            Cancel
          </button>
        </form>
      ) : (
        <button type="button" className="button button-small button-ghost" onClick={() => setNaming(true)} data-testid="save-view">
          + Save view
        </button>
      )}
    </div>
  );
}
