import { useEffect, useRef } from 'preact/hooks';
import { html } from '../lib/html.js';
import { Icon } from './Icon.js';

export function Modal({ title, onClose, children, testId, width = 480 }) {
  const dialogRef = useRef(null);
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useEffect(() => {
    const onKeyDown = (event) => {
      if (event.key === 'Escape') onCloseRef.current();
    };
    document.addEventListener('keydown', onKeyDown);
    dialogRef.current?.querySelector('input, textarea, select')?.focus();
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);

  const onBackdrop = (event) => {
    if (event.target === event.currentTarget) onClose();
  };

  return html`
    <div class="modal-backdrop" onMouseDown=${onBackdrop}>
      <div
        class="modal"
        role="dialog"
        aria-modal="true"
        aria-label=${title}
        data-testid=${testId}
        style=${{ width: `${width}px` }}
        ref=${dialogRef}
      >
        <header class="modal-header">
          <h2>${title}</h2>
          <button class="icon-button" type="button" aria-label="Close" onClick=${onClose}>
            <${Icon} name="close" />
          </button>
        </header>
        <div class="modal-body">${children}</div>
      </div>
    </div>
  `;
}
