import { useState } from 'preact/hooks';

interface TagInputProps {
  tags: string[];
  onChange: (tags: string[]) => void;
  disabled?: boolean;
}

/** Tag chips with a text box: Enter or a comma adds the typed tag, Backspace in an empty box removes the last one. */
export function TagInput({ tags, onChange, disabled = false }: TagInputProps) {
  const [draft, setDraft] = useState('');

  const add = () => {
    const tag = draft.trim().toLowerCase();
    setDraft('');
    if (tag && !tags.includes(tag)) onChange([...tags, tag]);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' || event.key === ',') {
      event.preventDefault();
      add();
    } else if (event.key === 'Backspace' && draft === '' && tags.length > 0) {
      onChange(tags.slice(0, -1));
    }
  };

  return (
    <div class="tag-input" data-testid="tag-editor">
      {tags.map((tag) => (
        <span class="tag" key={tag} data-testid={`tag-chip-${tag}`}>
          {tag}
          <button
            type="button"
            class="tag-remove"
            aria-label={`Remove ${tag}`}
            disabled={disabled}
            onClick={() => onChange(tags.filter((t) => t !== tag))}
            data-testid={`remove-tag-${tag}`}
          >
            ×
          </button>
        </span>
      ))}
      <input
        value={draft}
        placeholder={tags.length ? '' : 'Add tags'}
        disabled={disabled}
        onInput={(event) => setDraft(event.currentTarget.value)}
        onKeyDown={onKeyDown}
        onBlur={() => draft.trim() && add()}
        data-testid="tag-input"
      />
    </div>
  );
}
