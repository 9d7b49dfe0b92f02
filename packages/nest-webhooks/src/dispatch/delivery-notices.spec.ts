import type { ClaimedDelivery } from '../queue/claimed-delivery';
import type { AttemptMade, AttemptOutcome } from './attempt-outcome';
import { cancelled } from './attempt-outcome';
import { deliveryNotices } from './delivery-notices';

function delivery(overrides: Partial<ClaimedDelivery> = {}): ClaimedDelivery {
  return {
    id: 'd1',
    companyId: 'acme',
    eventId: 'e1',
    subscriptionId: 's1',
    eventType: 'contract.signed',
    attemptNumber: 1,
    ...overrides,
  } as ClaimedDelivery;
}

function attempt(
  attemptNumber: number,
  status: 'succeeded' | 'failed',
  nextStatus: AttemptMade['nextStatus'],
  overrides: Partial<ClaimedDelivery> = {},
): AttemptMade {
  return {
    kind: 'attempted',
    attemptId: 'a1',
    delivery: delivery({ attemptNumber, ...overrides }),
    status,
    statusCode: status === 'failed' ? 500 : 200,
    durationMs: 3,
    error: status === 'failed' ? 'HTTP 500' : null,
    responseBody: '',
    requestHeaders: {},
    responseHeaders: null,
    at: new Date(),
    nextStatus,
    nextAttemptAt: null,
    gone: false,
  };
}

describe('deliveryNotices (which recorded attempts become operational events)', () => {
  const cases: [string, AttemptOutcome, string[]][] = [
    ['a first success', attempt(1, 'succeeded', 'succeeded'), []],
    ['a 3rd failure, retried', attempt(3, 'failed', 'pending'), []],
    ['the 4th failure, retried', attempt(4, 'failed', 'pending'), ['webhook.delivery.failing']],
    ['a 5th failure, retried: failing was sent already', attempt(5, 'failed', 'pending'), []],
    [
      'the 4th failure, the last',
      attempt(4, 'failed', 'failed'),
      ['webhook.delivery.failing', 'webhook.delivery.exhausted'],
    ],
    [
      'a first failure that ends it (4xx)',
      attempt(1, 'failed', 'failed'),
      ['webhook.delivery.exhausted'],
    ],
    [
      'a success after 4 failures',
      attempt(5, 'succeeded', 'succeeded'),
      ['webhook.delivery.recovered'],
    ],
    ['a success at the 4th attempt (never failing)', attempt(4, 'succeeded', 'succeeded'), []],
    [
      'a delivery of an operational event',
      attempt(4, 'failed', 'failed', { eventType: 'webhook.delivery.failing' }),
      [],
    ],
    [
      'a direct send (no subscription)',
      attempt(4, 'failed', 'failed', { subscriptionId: null }),
      [],
    ],
    ['a cancelled delivery', cancelled(delivery({ attemptNumber: 4 })), []],
  ];

  it.each(cases)('%s', (_name, outcome, types) => {
    expect(deliveryNotices([outcome]).map((n) => n.type)).toEqual(types);
  });

  it('carries what the contract names', () => {
    const [notice] = deliveryNotices([attempt(4, 'failed', 'pending')]);
    expect(notice).toEqual({
      type: 'webhook.delivery.failing',
      companyId: 'acme',
      data: {
        deliveryId: 'd1',
        subscriptionId: 's1',
        eventId: 'e1',
        eventType: 'contract.signed',
        attemptCount: 4,
        lastStatusCode: 500,
        lastError: 'HTTP 500',
      },
    });
  });
});
