import { useEffect, useState } from 'preact/hooks';
import { ErrorNote } from '../components/ui';
import { tokenProblem } from '../lib/token';
import { markFirstScreen } from '../use-load';

/** Sign in by pasting a bearer token (a portal link signs in by itself). */
export function SignInScreen({
  message,
  onToken,
}: {
  message: string | null;
  onToken(token: string): void;
}) {
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => markFirstScreen(), []);
  return (
    <main class="sign-in" id="main">
      <h1>Webhooks console</h1>
      <p class="muted">
        Sign in with a bearer token carrying <code>system.webhooks.manage</code> or{' '}
        <code>system.webhooks.read</code>, or open the portal link you were given.
      </p>
      <ErrorNote error={message} />
      <form
        class="form"
        onSubmit={(e) => {
          e.preventDefault();
          const found = tokenProblem(token, new Date());
          setProblem(found);
          if (!found) onToken(token.trim());
        }}
      >
        <label>
          Bearer token
          <textarea
            rows={5}
            required
            spellcheck={false}
            autoComplete="off"
            value={token}
            onInput={(e) => setToken(e.currentTarget.value)}
          />
        </label>
        <ErrorNote error={problem} />
        <button type="submit" class="primary">
          Sign in
        </button>
      </form>
    </main>
  );
}
