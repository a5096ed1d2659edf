import { useState } from 'preact/hooks';
import { Api } from '../lib/api';
import { signIn } from '../lib/session';

/** Shown at any address while signed out; after signing in, the app shows that address. */
export function LoginPage() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { token, user } = await Api.login(email, password);
      signIn(token, user);
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };

  return (
    <div class="login-page">
      <form class="card login-card" onSubmit={submit} data-testid="login-form">
        <div class="brand">
          <span class="brand-mark">D</span>
          <span class="brand-name">Desk</span>
        </div>
        <h1>Sign in</h1>
        <label class="field">
          <span class="field-label">Email</span>
          <input
            type="email"
            autocomplete="username"
            value={email}
            onInput={(event) => setEmail(event.currentTarget.value)}
            data-testid="login-email"
          />
        </label>
        <label class="field">
          <span class="field-label">Password</span>
          <input
            type="password"
            autocomplete="current-password"
            value={password}
            onInput={(event) => setPassword(event.currentTarget.value)}
            data-testid="login-password"
          />
        </label>
        {error && (
          <p class="form-error" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        <button type="submit" class="button button-primary button-block" disabled={busy} data-testid="login-submit">
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p class="muted small">Demo: sam@desk.test (agent), carla@desk.test (customer), password “password”.</p>
      </form>
    </div>
  );
}
