import { useId, useState } from 'react';
import { Markdown } from './Markdown';

interface Props {
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** Prefix of the data-testids: `<prefix>-input`, `<prefix>-write`, `<prefix>-preview`. */
  testId: string;
  placeholder?: string;
  maxLength?: number;
  autoFocus?: boolean;
  onSubmitShortcut?: () => void;
}

/** A textarea with Write / Preview tabs; the preview is the same renderer the page uses. */
export function MarkdownEditor({ label, value, onChange, testId, placeholder, maxLength, autoFocus, onSubmitShortcut }: Props) {
  const [mode, setMode] = useState<'write' | 'preview'>('write');
  const id = useId();
  return (
    <div className="markdown-editor">
      <div className="editor-tabs" role="tablist" aria-label={`${label} editor`}>
        <button
          type="button"
          role="tab"
          className="editor-tab"
          aria-selected={mode === 'write'}
          onClick={() => setMode('write')}
          data-testid={`${testId}-write`}
        >
          Write
        </button>
        <button
          type="button"
          role="tab"
          className="editor-tab"
          aria-selected={mode === 'preview'}
          onClick={() => setMode('preview')}
          data-testid={`${testId}-preview-tab`}
        >
          Preview
        </button>
      </div>
      {mode === 'write' ? (
        <>
          <label htmlFor={id} className="visually-hidden">
            {label}
          </label>
          <textarea
            id={id}
            value={value}
            placeholder={placeholder}
            maxLength={maxLength}
            autoFocus={autoFocus}
            rows={5}
            onChange={(event) => onChange(event.target.value)}
            onKeyDown={(event) => {
              if (onSubmitShortcut && event.key === 'Enter' && (event.metaKey || event.ctrlKey)) {
                event.preventDefault();
                onSubmitShortcut();
              }
            }}
            data-testid={`${testId}-input`}
          />
          {maxLength !== undefined && value.length > maxLength * 0.9 && (
            <span className="small muted" data-testid={`${testId}-remaining`}>
              {maxLength - value.length} characters left
            </span>
          )}
        </>
      ) : (
        <div className="editor-preview" data-testid={`${testId}-preview`}>
          <Markdown source={value} empty="Nothing to preview." />
        </div>
      )}
    </div>
  );
}
