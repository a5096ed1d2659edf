import type { ComponentChildren } from 'preact';
import { createStore, useStore } from './store';

interface Location {
  path: string;
  search: string;
}

function readLocation(): Location {
  return { path: window.location.pathname, search: window.location.search };
}

const locationStore = createStore<Location>(readLocation());

window.addEventListener('popstate', () => locationStore.set(readLocation()));

export function navigate(to: string, { replace = false } = {}): void {
  if (to === window.location.pathname + window.location.search) return;
  window.history[replace ? 'replaceState' : 'pushState'](null, '', to);
  locationStore.set(readLocation());
  if (!replace) window.scrollTo(0, 0);
}

/** The current path and query parameters. */
export function useRoute(): { path: string; query: Record<string, string> } {
  const { path, search } = useStore(locationStore);
  return { path, query: Object.fromEntries(new URLSearchParams(search)) };
}

/** Match "/tickets/:ticketId" against a path: the params, or null. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const expected = pattern.split('/').filter(Boolean);
  const actual = path.split('/').filter(Boolean);
  if (expected.length !== actual.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < expected.length; i += 1) {
    const part = decodeURIComponent(actual[i]);
    if (expected[i].startsWith(':')) params[expected[i].slice(1)] = part;
    else if (expected[i] !== part) return null;
  }
  return params;
}

/** A path with query parameters; empty values are left out. */
export function withQuery(path: string, query: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

interface LinkProps {
  href: string;
  children: ComponentChildren;
  class?: string;
  title?: string;
  'data-testid'?: string;
}

/** An <a> that navigates inside the app without reloading the page. */
export function Link({ href, children, ...rest }: LinkProps) {
  const onClick = (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} onClick={onClick} {...rest}>
      {children}
    </a>
  );
}
