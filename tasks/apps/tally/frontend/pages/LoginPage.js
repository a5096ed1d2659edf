import { useEffect, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { Session } from '../lib/api.js';
import { useDocumentTitle } from '../lib/hooks.js';
import { navigate, useRoute } from '../lib/router.js';
import { signIn } from '../state/session.js';

export function LoginPage() {
  const route = useRoute();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  useDocumentTitle('Sign in');

  useEffect(() => {
    if (route.path !== '/login') {
      const next = route.path === '/' ? '' : `?next=${encodeURIComponent(route.path)}`;
      navigate(`/login${next}`, { replace: true });
    }
  }, [route.path]);

  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { token, user } = await Session.login(email, password);
      signIn(token, user);
      const next = route.query.next;
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', {
        replace: true,
      });
    } catch (err) {
      setError(err.message);
      setBusy(false);
    }
  };

  return html`
    <div class="login-page">
      <form class="login-card" onSubmit=${submit} data-testid="login-form">
        <div class="brand brand-large">
          <span class="brand-mark">T</span>
          <span class="brand-name">tally</span>
        </div>
        <h1>Sign in</h1>
        <p class="muted">Expenses, reports and chat for your team.</p>
        <label class="field">
          <span class="field-label">Email</span>
          <input
            type="email"
            autocomplete="username"
            value=${email}
            onInput=${(event) => setEmail(event.currentTarget.value)}
            data-testid="login-email"
          />
        </label>
        <label class="field">
          <span class="field-label">Password</span>
          <input
            type="password"
            autocomplete="current-password"
            value=${password}
            onInput=${(event) => setPassword(event.currentTarget.value)}
            data-testid="login-password"
          />
        </label>
        ${error && html`<p class="form-error" role="alert" data-testid="login-error">${error}</p>`}
        <button
          type="submit"
          class="button button-primary button-block"
          disabled=${busy}
          data-testid="login-submit"
        >
          ${busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p class="login-hint">Demo accounts: alice@tally.test, bob@tally.test, carol@tally.test · password <code>password</code></p>
      </form>
    </div>
  `;
}
