import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import request from 'supertest';
import type { App } from 'supertest/types';
import type { AppModuleOverrides } from '../../src/app.module';
import { type AppFixture, bearerAuth, useAppFixture } from './app-fixture';
import { DELIVERY_ENV, DELIVERY_PERMISSIONS, MANAGE, PUBLISH } from './constants';
import { eventually, type TestReceiver } from './receiver';
import type { TestApp } from './test-app';

/** Subscription defaults: `contract.signed` only. */
export const CONTRACT_SIGNED_ONLY: Readonly<Record<string, unknown>> = {
  events: ['contract.signed'],
};

/** Subscription defaults: `contract.signed`, fast retries (100 ms, no backoff), 2 s timeout. */
export const FAST_RETRIES: Readonly<Record<string, unknown>> = {
  events: ['contract.signed'],
  retryDelayMs: 100,
  retryBackoffMultiplier: 1,
  requestTimeoutMs: 2000,
};

/** A subscription as POST /api/webhooks answers it (the fields the specs read). */
export interface Subscription {
  id: string;
  secret: string;
  url: string;
  isActive: boolean;
  disabledReason: string | null;
  format: string;
  signatureAlgorithm: string;
}

export interface Attempt {
  id: string;
  deliveryId: string;
  eventId: string;
  eventType: string;
  attemptNumber: number;
  status: 'succeeded' | 'failed';
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseBody: string | null;
  requestHeaders: Record<string, string>;
  responseHeaders: Record<string, string> | null;
  createdAt: string;
}

export interface Delivery {
  id: string;
  eventId: string;
  subscriptionId: string | null;
  eventType: string;
  status: 'pending' | 'sending' | 'succeeded' | 'failed' | 'cancelled';
  attemptCount: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
  attempts: Attempt[];
}

/** An event as POST /api/events takes it. */
export interface PublishedEvent {
  type: string;
  data: unknown;
}

/** Valid `contract.signed` data, fresh ids each call. */
export function contractSigned() {
  return {
    contractId: randomUUID(),
    employeeId: randomUUID(),
    contractType: 'CDI',
    startDate: '2026-12-01',
  };
}

/** A `contract.signed` event with fresh data, as POST /api/events takes it. */
export function contractSignedEvent(): PublishedEvent {
  return { type: 'contract.signed', data: contractSigned() };
}

/** The headers as a receiver hands them to a verifier: lower-case names, string values. */
export function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      Array.isArray(value) ? value.join(', ') : String(value),
    ]),
  );
}

/**
 * HTTP helpers for a spec's app and receiver (read lazily: both are set in `beforeAll`).
 * `subscribe` sends `{url, ...defaults, ...body}`.
 */
export function deliveryHelpers(
  getApp: () => TestApp,
  getReceiver: () => TestReceiver,
  permissions: string[] = DELIVERY_PERMISSIONS,
  defaults: Readonly<Record<string, unknown>> = CONTRACT_SIGNED_ONLY,
) {
  const server = () => getApp().app.getHttpServer() as App;

  const auth = (company: string, granted: string[] = permissions) =>
    bearerAuth(getApp(), company, granted);

  /** A subscription to `path` of the test receiver. */
  const subscribe = async <S = Subscription>(
    company: string,
    path: string,
    body: Record<string, unknown> = {},
  ): Promise<S> =>
    (
      await request(server())
        .post('/api/webhooks')
        .set(auth(company))
        .send({ url: getReceiver().url(path), ...defaults, ...body })
        .expect(201)
    ).body as S;

  /** Publishes through POST /api/events (202) and answers the event id. */
  const publish = async (
    company: string,
    event: PublishedEvent = contractSignedEvent(),
  ): Promise<string> =>
    (
      (await request(server()).post('/api/events').set(auth(company)).send(event).expect(202))
        .body as { id: string }
    ).id;

  /** The delivery of an event to a subscription (created with the event, in its transaction). */
  const deliveryIdOf = async (eventId: string, subscriptionId: string): Promise<string> => {
    const rows = await getApp().dataSource.query<{ id: string }[]>(
      `SELECT id FROM webhook_deliveries WHERE event_id = $1 AND subscription_id = $2`,
      [eventId, subscriptionId],
    );
    expect(rows).toHaveLength(1);
    return rows[0].id;
  };

  const getDelivery = async (company: string, id: string): Promise<Delivery> =>
    (await request(server()).get(`/api/deliveries/${id}`).set(auth(company)).expect(200))
      .body as Delivery;

  /** Polls the delivery until `done` holds for it (bounded). */
  const deliveryWhen = (
    company: string,
    id: string,
    done: (d: Delivery) => boolean,
    timeoutMs = 10_000,
  ): Promise<Delivery> =>
    eventually(async () => {
      const delivery = await getDelivery(company, id);
      return done(delivery) ? delivery : null;
    }, timeoutMs);

  return { auth, subscribe, publish, deliveryIdOf, getDelivery, deliveryWhen };
}

/**
 * The app fixture (useAppFixture: an app on its own database and a receiver for the enclosing
 * `describe`) with the delivery `helpers` acting on them with `permissions`. A test that closes the
 * app itself sets `t` to undefined.
 */
export function deliveryFixture(
  env: Record<string, string> = DELIVERY_ENV,
  overrides: AppModuleOverrides = {},
  permissions: string[] = [PUBLISH, MANAGE],
): DeliveryFixture {
  const fixture = useAppFixture({ env, overrides, permissions });
  const helpers = deliveryHelpers(
    () => fixture.t,
    () => fixture.receiver,
    permissions,
  );
  return Object.assign(fixture, { helpers });
}

export interface DeliveryFixture extends AppFixture {
  helpers: ReturnType<typeof deliveryHelpers>;
}
