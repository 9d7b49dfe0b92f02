/** The console's screens, addressed by the URL fragment (`#/subscriptions/<id>`). */
export type Route =
  | { screen: 'subscriptions' }
  | { screen: 'new-subscription' }
  | { screen: 'subscription'; id: string }
  | { screen: 'edit-subscription'; id: string }
  | { screen: 'delivery'; id: string }
  | { screen: 'catalog' }
  | { screen: 'not-found'; path: string };

export function parseRoute(fragment: string): Route {
  const path = fragment.replace(/^#/, '').replace(/\/+$/, '') || '/';
  // A portal link's `#token=...`, until the session has read it and put a route in its place.
  if (!path.startsWith('/')) return { screen: 'subscriptions' };
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [first, second, third] = parts;
  if (parts.length === 0) return { screen: 'subscriptions' };
  if (first === 'subscriptions') {
    if (parts.length === 1) return { screen: 'subscriptions' };
    if (second === 'new' && parts.length === 2) return { screen: 'new-subscription' };
    if (second && parts.length === 2) return { screen: 'subscription', id: second };
    if (second && third === 'edit' && parts.length === 3) {
      return { screen: 'edit-subscription', id: second };
    }
  }
  if (first === 'deliveries' && second && parts.length === 2) {
    return { screen: 'delivery', id: second };
  }
  if (first === 'catalog' && parts.length === 1) return { screen: 'catalog' };
  return { screen: 'not-found', path };
}

export function routeHref(route: Route): string {
  switch (route.screen) {
    case 'subscriptions':
      return '#/subscriptions';
    case 'new-subscription':
      return '#/subscriptions/new';
    case 'subscription':
      return `#/subscriptions/${encodeURIComponent(route.id)}`;
    case 'edit-subscription':
      return `#/subscriptions/${encodeURIComponent(route.id)}/edit`;
    case 'delivery':
      return `#/deliveries/${encodeURIComponent(route.id)}`;
    case 'catalog':
      return '#/catalog';
    case 'not-found':
      return `#${route.path}`;
  }
}
