import type autocannon from 'autocannon';

/** A company a load acts as: the bearer token its requests carry, and whatever its paths need. */
export interface LoadTenant {
  token: string;
}

/** What one request of a mix reports: before it is sent, and its answer. */
export interface TenantRequestHooks<T> {
  sent?: () => void;
  answered: (
    status: number,
    body: string,
    tenant: T,
    headers: NonNullable<autocannon.Request['headers']>,
  ) => void;
}

/**
 * Builds the requests of an autocannon mix made as companies: each connection's pass takes the
 * next company (round robin) on its `first` request and keeps it for the rest of the pass; a POST
 * carries `body` as JSON.
 */
export function tenantRequests<T extends LoadTenant>(tenants: readonly T[], body: string) {
  let nextTenant = 0;
  return (
    method: 'GET' | 'POST',
    pathOf: (tenant: T) => string,
    hooks: TenantRequestHooks<T>,
    first = false,
  ): autocannon.Request => ({
    method,
    setupRequest: (request, context) => {
      const ctx = context as { tenant?: T };
      if (first || !ctx.tenant) ctx.tenant = tenants[nextTenant++ % tenants.length];
      hooks.sent?.();
      return {
        ...request,
        path: pathOf(ctx.tenant),
        headers: {
          ...request.headers,
          authorization: `Bearer ${ctx.tenant.token}`,
          ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
        },
        ...(method === 'POST' ? { body } : {}),
      };
    },
    onResponse: (status, responseBody, context, headers) =>
      hooks.answered(status, responseBody, (context as { tenant: T }).tenant, headers ?? {}),
  });
}
