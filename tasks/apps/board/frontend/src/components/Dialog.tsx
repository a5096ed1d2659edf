import { useEffect, useId, useRef } from 'react';
import type { ReactNode } from 'react';

interface Props {
  title: string;
  onClose: () => void;
  children: ReactNode;
  testId: string;
}

/** A modal dialog: Escape or a click on the backdrop closes it, focus returns where it was. */
export function Dialog({ title, onClose, children, testId }: Props) {
  const titleId = useId();
  const panel = useRef<HTMLDivElement>(null);
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    // a field with autoFocus has the focus already; otherwise start at the first control
    if (!panel.current?.contains(document.activeElement)) {
      panel.current?.querySelector<HTMLElement>('input, textarea, select, button:not([data-dialog-close])')?.focus();
    }
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.stopPropagation();
        onCloseRef.current();
      }
    };
    document.addEventListener('keydown', onKeyDown);
    return () => {
      document.removeEventListener('keydown', onKeyDown);
      previous?.focus();
    };
  }, []);

  return (
    <div
      className="dialog-backdrop"
      onMouseDown={(event) => {
        if (event.target === event.currentTarget) onClose();
      }}
    >
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby={titleId} ref={panel} data-testid={testId}>
        <div className="dialog-header">
          <h2 id={titleId}>{title}</h2>
          <span className="spacer" />
          <button
            type="button"
            className="icon-button"
            aria-label="Close"
            onClick={onClose}
            data-dialog-close
            data-testid={`${testId}-close`}
          >
            ×
          </button>
        </div>
        {children}
      </div>
    </div>
  );
}
