import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api/client';

/**
 * Shown instead of the dashboard when the server needs its token (bound off loopback): the token is sent once to
 * `POST /api/session`, which answers with an HttpOnly cookie; the page then reloads signed in.
 */
export function SignIn() {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.signIn(token.trim());
      window.location.reload();
    } catch (failure) {
      setError(failure instanceof ApiError ? failure.message : String(failure));
      setBusy(false);
    }
  };
  return (
    <main className="mx-auto mt-24 max-w-md rounded border border-[var(--border)] bg-[var(--bg-secondary)] p-6 text-sm">
      <h1 className="mb-2 text-lg font-semibold">Vigil: sign in</h1>
      <p className="mb-4 text-[var(--text-secondary)]">
        This server is reachable from the network, so its runs are shown only to people with its access token (the
        server's <code>MONITORING_TOKEN</code>).
      </p>
      <form onSubmit={(e) => void submit(e)} className="space-y-3">
        <label className="block">
          <span className="mb-1 block text-[var(--text-secondary)]">Access token</span>
          <input
            type="password"
            autoComplete="current-password"
            className="w-full rounded border border-[var(--border)] bg-[var(--bg-primary)] px-2 py-1"
            value={token}
            onChange={(e) => setToken(e.target.value)}
            required
          />
        </label>
        {error && (
          <p role="alert" className="text-xs text-[var(--danger)]">
            ⚠ {error}
          </p>
        )}
        <button type="submit" disabled={busy} className="rounded bg-[var(--accent)] px-3 py-1.5 font-medium text-white">
          Sign in
        </button>
      </form>
    </main>
  );
}
