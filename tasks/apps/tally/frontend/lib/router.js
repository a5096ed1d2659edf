import { html } from './html.js';
import { createStore, useStore } from '../state/store.js';

function readLocation() {
  const { pathname, search } = window.location;
  return { path: pathname, query: Object.fromEntries(new URLSearchParams(search)) };
}

const routeStore = createStore(readLocation());

window.addEventListener('popstate', () => routeStore.update(readLocation()));

export function navigate(to, { replace = false } = {}) {
  const current = window.location.pathname + window.location.search;
  if (to === current) return;
  window.history[replace ? 'replaceState' : 'pushState'](null, '', to);
  routeStore.update(readLocation());
  if (!replace) window.scrollTo(0, 0);
}

/** The current { path, query }. */
export function useRoute() {
  return useStore(routeStore);
}

/**
 * Match "/reports/:reportId" against a path.
 * Returns the params ({ reportId: "4" }) or null.
 */
export function matchPath(pattern, path) {
  const patternParts = pattern.split('/').filter(Boolean);
  const pathParts = path.split('/').filter(Boolean);
  if (patternParts.length !== pathParts.length) return null;
  const params = {};
  for (let i = 0; i < patternParts.length; i += 1) {
    const expected = patternParts[i];
    const actual = decodeURIComponent(pathParts[i]);
    if (expected.startsWith(':')) {
      params[expected.slice(1)] = actual;
    } else if (expected !== actual) {
      return null;
    }
  }
  return params;
}

/** An <a> that navigates inside the app without reloading the page. */
export function Link({ href, children, onClick, ...rest }) {
  const handleClick = (event) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return html`<a href=${href} onClick=${handleClick} ...${rest}>${children}</a>`;
}
