import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { useDebouncedValue } from '../lib/hooks.js';
import { navigate, useRoute } from '../lib/router.js';
import { Icon } from './Icon.js';

function searchUrl(text) {
  const q = text.trim();
  return q ? `/search?q=${encodeURIComponent(q)}` : '/search';
}

export function SearchBox() {
  const route = useRoute();
  const onSearchPage = route.path === '/search';
  const routeQuery = onSearchPage ? route.query.q ?? '' : null;
  const [text, setText] = useState(routeQuery ?? '');
  const typed = useRef(false);
  const debounced = useDebouncedValue(text, 250);

  // Follow the URL when it changes on its own (back button, a link).
  useEffect(() => {
    if (routeQuery !== null && routeQuery !== text.trim()) setText(routeQuery);
  }, [routeQuery]);

  useEffect(() => {
    if (!typed.current) return;
    typed.current = false;
    navigate(searchUrl(debounced), { replace: onSearchPage });
  }, [debounced]);

  const onInput = (event) => {
    typed.current = true;
    setText(event.currentTarget.value);
  };

  const onKeyDown = (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      typed.current = false;
      // the box, not `text`: Enter pressed right after typing can come before the re-render
      navigate(searchUrl(event.currentTarget.value), { replace: onSearchPage });
    } else if (event.key === 'Escape') {
      typed.current = false;
      setText('');
      event.currentTarget.blur();
    }
  };

  return html`
    <label class="search-box">
      <span class="search-icon"><${Icon} name="search" /></span>
      <input
        type="search"
        placeholder="Search expenses, reports and messages"
        aria-label="Search"
        value=${text}
        onInput=${onInput}
        onKeyDown=${onKeyDown}
        data-testid="search-input"
      />
    </label>
  `;
}
