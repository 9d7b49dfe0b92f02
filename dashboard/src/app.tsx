import { useEffect, useMemo, useState } from 'preact/hooks';
import { Api } from './api';
import { ErrorNote } from './components/ui';
import { parseRoute, type Route, routeHref } from './lib/route';
import { accessOf, decodeToken, tokenFromFragment, tokenProblem } from './lib/token';
import { CatalogScreen } from './screens/catalog';
import { DeliveryScreen } from './screens/delivery';
import { SignInScreen } from './screens/sign-in';
import { SubscriptionScreen } from './screens/subscription';
import { SubscriptionFormScreen } from './screens/subscription-form';
import { SubscriptionsScreen } from './screens/subscriptions';
import { forgetToken, initialToken, type Session, SessionContext, storeToken } from './session';

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}

/** The token to use (a portal link's, else the tab's), or why there is none usable. */
function readToken(): { token: string | null; message: string | null } {
  const token = initialToken();
  const problem = token ? tokenProblem(token, new Date()) : null;
  if (token && problem) forgetToken();
  return { token: problem ? null : token, message: problem };
}

/** The console: the sign-in screen until a usable token is there, then the signed-in screens. */
export function App() {
  const [start] = useState(readToken);
  const [token, setToken] = useState<string | null>(start.token);
  const [message, setMessage] = useState<string | null>(start.message);
  // A portal link opened in a tab where the console already runs changes only the fragment.
  useEffect(() => {
    const onHash = () => {
      if (!tokenFromFragment(window.location.hash)) return;
      const next = readToken();
      setMessage(next.message);
      setToken(next.token);
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const session = useMemo<Session | null>(() => {
    const claims = token ? decodeToken(token) : null;
    if (!token || !claims) return null;
    const signOut = (reason?: string) => {
      forgetToken();
      setMessage(reason ?? null);
      setToken(null);
    };
    return {
      api: new Api(token, (error) => signOut(error.message)),
      claims,
      access: accessOf(claims),
      signOut,
    };
  }, [token]);
  if (!session) {
    return (
      <SignInScreen
        message={message}
        onToken={(t) => {
          storeToken(t);
          setMessage(null);
          setToken(t);
        }}
      />
    );
  }
  return (
    <SessionContext.Provider value={session}>
      {/* A new token is a new session: every screen loads afresh. */}
      <Shell key={token} session={session} />
    </SessionContext.Provider>
  );
}

function Shell({ session }: { session: Session }) {
  const route = useRoute();
  const { claims, access } = session;
  return (
    <>
      <a
        class="skip"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href={routeHref({ screen: 'subscriptions' })}>
          Webhooks
        </a>
        <nav aria-label="Console">
          <a
            href={routeHref({ screen: 'subscriptions' })}
            aria-current={route.screen.includes('subscription') ? 'page' : undefined}
          >
            Subscriptions
          </a>
          <a
            href={routeHref({ screen: 'catalog' })}
            aria-current={route.screen === 'catalog' ? 'page' : undefined}
          >
            Event catalog
          </a>
        </nav>
        <div class="who">
          <span title={claims.sub ?? undefined}>
            Company <strong>{claims.companyId ?? '?'}</strong>
          </span>
          {access === 'read' ? <span class="badge badge-paused">read-only</span> : null}
          <button type="button" class="link" onClick={() => session.signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Screen route={route} />
      </main>
    </>
  );
}

function Screen({ route }: { route: Route }) {
  switch (route.screen) {
    case 'subscriptions':
      return <SubscriptionsScreen />;
    case 'new-subscription':
      return <SubscriptionFormScreen />;
    case 'subscription':
      return <SubscriptionScreen key={route.id} id={route.id} />;
    case 'edit-subscription':
      return <SubscriptionFormScreen key={route.id} id={route.id} />;
    case 'delivery':
      return <DeliveryScreen key={route.id} id={route.id} />;
    case 'catalog':
      return <CatalogScreen />;
    case 'not-found':
      return <ErrorNote error={`There is no screen at ${route.path}.`} />;
  }
}
