import { Link } from 'react-router-dom';

export function NotFoundPage() {
  return (
    <section className="not-found" data-testid="not-found">
      <h1>Page not found</h1>
      <p className="muted">The address does not match any page in Board.</p>
      <Link to="/my-issues" data-testid="not-found-home">
        Go to my issues
      </Link>
    </section>
  );
}
