import { useMemo } from 'react';
import { renderMarkdown } from '../lib/markdown';

/** Renders Board's markdown subset; all text is escaped by React, raw HTML never becomes markup. */
export function Markdown({ source, testId, empty }: { source: string; testId?: string; empty?: string }) {
  const content = useMemo(() => renderMarkdown(source), [source]);
  return (
    <div className="markdown" data-testid={testId}>
      {source.trim() ? content : <p className="muted">{empty ?? 'Nothing here yet.'}</p>}
    </div>
  );
}
