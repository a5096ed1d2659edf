import { useState } from 'react';
import type { FormEvent } from 'react';
import { COMMENT_MAX_LENGTH } from '../../../shared/api';
import { clearDraft, loadDraft, saveDraft } from '../lib/drafts';
import { extractMentions } from '../lib/markdown';
import { MarkdownEditor } from './MarkdownEditor';

interface Props {
  issueKey: string;
  /** Posts the comment; resolves true when it was saved. */
  onSubmit: (body: string) => Promise<boolean>;
}

/**
 * The new-comment box. What is typed is kept as this issue's draft, so leaving the issue and
 * coming back (or reloading) brings it back; each issue has its own draft. Render it with
 * `key={issueKey}` so another issue gets a fresh composer with its own draft.
 */
export function CommentComposer({ issueKey, onSubmit }: Props) {
  const [body, setBody] = useState(() => loadDraft(issueKey));
  const [busy, setBusy] = useState(false);

  const change = (value: string) => {
    setBody(value);
    saveDraft(issueKey, value);
  };

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (!body.trim() || busy) return;
    setBusy(true);
    const ok = await onSubmit(body);
    setBusy(false);
    if (ok) {
      clearDraft(issueKey);
      setBody('');
    }
  };

  const mentions = extractMentions(body);

  return (
    <form className="composer" onSubmit={submit} data-testid="comment-form">
      <MarkdownEditor
        label="Comment"
        value={body}
        onChange={change}
        placeholder="Leave a comment… (@name to mention, Ctrl+Enter to send)"
        maxLength={COMMENT_MAX_LENGTH}
        onSubmitShortcut={() => void submit()}
        testId="comment"
      />
      <div className="form-actions">
        {mentions.length > 0 && (
          <span className="small muted spacer" data-testid="comment-mentions">
            Notifies {mentions.map((handle) => `@${handle}`).join(', ')}
          </span>
        )}
        <button type="submit" className="button button-primary" disabled={busy || !body.trim()} data-testid="comment-submit">
          {busy ? 'Posting…' : 'Comment'}
        </button>
      </div>
    </form>
  );
}
