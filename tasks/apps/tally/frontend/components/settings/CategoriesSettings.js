import { useState } from 'preact/hooks';
import { html } from '../../lib/html.js';
import { Workspaces } from '../../lib/api.js';
import { canInWorkspace } from '../../lib/permissions.js';
import { patchCurrentWorkspace } from '../../state/workspaces.js';
import { ErrorBanner, FieldError } from '../Feedback.js';

function CategoryRow({ category, manage, busy, run, onToggle }) {
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(category.name);

  const saveName = async (event) => {
    event.preventDefault();
    if (await run(() => Workspaces.updateCategory(category.id, { name }))) setRenaming(false);
  };

  return html`
    <li
      class=${`category-row${category.enabled ? '' : ' disabled'}`}
      data-testid=${`category-row-${category.id}`}
    >
      ${renaming
        ? html`
            <form class="inline-form category-rename" onSubmit=${saveName}>
              <input
                value=${name}
                onInput=${(event) => setName(event.currentTarget.value)}
                data-testid=${`category-rename-input-${category.id}`}
              />
              <button
                type="submit"
                class="button button-small button-primary"
                disabled=${busy}
                data-testid=${`category-rename-save-${category.id}`}
              >
                Save
              </button>
              <button
                type="button"
                class="button button-small"
                onClick=${() => {
                  setName(category.name);
                  setRenaming(false);
                }}
              >
                Cancel
              </button>
            </form>
          `
        : html`<span class="category-name" data-testid=${`category-name-${category.id}`}>
            ${category.name}
          </span>`}
      ${manage
        ? html`
            <label class="toggle">
              <input
                type="checkbox"
                checked=${category.enabled}
                disabled=${busy}
                onChange=${(event) => onToggle(category, event.currentTarget.checked)}
                data-testid=${`category-toggle-${category.id}`}
              />
              <span>${category.enabled ? 'Enabled' : 'Disabled'}</span>
            </label>
            ${!renaming &&
            html`<button
              type="button"
              class="link-button"
              onClick=${() => setRenaming(true)}
              data-testid=${`rename-category-${category.id}`}
            >
              Rename
            </button>`}
            <button
              type="button"
              class="link-button danger"
              disabled=${busy}
              onClick=${() => run(() => Workspaces.deleteCategory(category.id))}
              data-testid=${`delete-category-${category.id}`}
            >
              Delete
            </button>
          `
        : html`<span class="muted" data-testid=${`category-status-${category.id}`}>
            ${category.enabled ? 'Enabled' : 'Disabled'}
          </span>`}
    </li>
  `;
}

export function CategoriesSettings({ workspace }) {
  const manage = canInWorkspace(workspace, 'categories.manage');
  const [name, setName] = useState('');
  const [error, setError] = useState(null);
  const [errorFromAddForm, setErrorFromAddForm] = useState(false);
  const [busy, setBusy] = useState(false);

  const run = async (action, { fromAddForm = false } = {}) => {
    setBusy(true);
    setError(null);
    try {
      const { categories } = await action();
      patchCurrentWorkspace({ categories });
      return true;
    } catch (err) {
      setError(err);
      setErrorFromAddForm(fromAddForm);
      return false;
    } finally {
      setBusy(false);
    }
  };

  // The switch flips at once; the list goes back if the server refuses.
  const toggle = async (category, enabled) => {
    const previous = workspace.categories;
    patchCurrentWorkspace({
      categories: previous.map((item) => (item.id === category.id ? { ...item, enabled } : item)),
    });
    const saved = await run(() => Workspaces.updateCategory(category.id, { enabled }));
    if (!saved) patchCurrentWorkspace({ categories: previous });
  };

  const add = async (event) => {
    event.preventDefault();
    const added = await run(() => Workspaces.addCategory(workspace.id, name), {
      fromAddForm: true,
    });
    if (added) setName('');
  };

  return html`
    <section class="card settings-card" data-testid="categories-section">
      <h2 class="card-title">Categories <span class="count">${workspace.categories.length}</span></h2>
      ${error &&
      !(errorFromAddForm && error.field) &&
      html`<${ErrorBanner} error=${error} testId="categories-error" />`}
      <ul class="category-list">
        ${workspace.categories.map(
          (category) => html`<${CategoryRow}
            key=${category.id}
            category=${category}
            manage=${manage}
            busy=${busy}
            run=${run}
            onToggle=${toggle}
          />`,
        )}
      </ul>
      ${manage &&
      html`
        <form class="inline-form" onSubmit=${add}>
          <div class="field field-grow">
            <input
              placeholder="New category"
              value=${name}
              onInput=${(event) => setName(event.currentTarget.value)}
              data-testid="new-category-name"
            />
            <${FieldError}
              error=${errorFromAddForm ? error : null}
              field="name"
              testIdPrefix="category-error"
            />
          </div>
          <button
            type="submit"
            class="button button-primary"
            disabled=${busy || !name.trim()}
            data-testid="add-category"
          >
            Add category
          </button>
        </form>
      `}
    </section>
  `;
}
