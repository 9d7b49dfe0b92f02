import { describeFailure, networkFailure } from './api-error';
import { exampleOf, examplePayload } from './example';
import { parseRoute, routeHref } from './route';
import { subscriptionState } from './subscription-state';

describe('API errors in words', () => {
  it('leads with what the status means and adds the API message', () => {
    expect(
      describeFailure(400, { statusCode: 400, message: ['url must be a URL', 'events is empty'] })
        .message,
    ).toBe('The request was refused (400): url must be a URL; events is empty');
    expect(
      describeFailure(403, { message: 'This route needs the permission system.webhooks.manage' })
        .message,
    ).toBe(
      'Your token does not allow this (403): This route needs the permission system.webhooks.manage',
    );
    expect(describeFailure(500, { errorId: 'e-1' }).message).toBe(
      'The server failed (500): error id e-1',
    );
    expect(describeFailure(418, 'teapot').message).toBe('HTTP 418 (418).');
    expect(describeFailure(409, { message: ['busy'], code: 'DELIVERY_IN_FLIGHT' }).code).toBe(
      'DELIVERY_IN_FLIGHT',
    );
    expect(networkFailure(new TypeError('Failed to fetch')).message).toBe(
      'Could not reach the API: Failed to fetch',
    );
  });
});

describe('screens addressed by the fragment', () => {
  it.each([
    ['', { screen: 'subscriptions' }],
    ['#/', { screen: 'subscriptions' }],
    ['#/subscriptions/', { screen: 'subscriptions' }],
    ['#/subscriptions/new', { screen: 'new-subscription' }],
    ['#/subscriptions/abc', { screen: 'subscription', id: 'abc' }],
    ['#/subscriptions/abc/edit', { screen: 'edit-subscription', id: 'abc' }],
    ['#/deliveries/d%201', { screen: 'delivery', id: 'd 1' }],
    ['#/catalog', { screen: 'catalog' }],
    ['#/nope/1', { screen: 'not-found', path: '/nope/1' }],
    ['#token=abc.def.ghi', { screen: 'subscriptions' }],
  ])('reads %p', (fragment, route) => {
    expect(parseRoute(fragment)).toEqual(route);
  });

  it('writes what it reads', () => {
    for (const fragment of [
      '#/subscriptions',
      '#/subscriptions/new',
      '#/subscriptions/a%2Fb/edit',
      '#/deliveries/x',
      '#/catalog',
    ]) {
      expect(routeHref(parseRoute(fragment))).toBe(fragment);
    }
  });
});

describe('subscription state', () => {
  it.each([
    [{ isActive: true, disabledReason: null }, 'active'],
    [{ isActive: false, disabledReason: null }, 'paused'],
    [{ isActive: false, disabledReason: 'endpoint answered 410 Gone' }, 'disabled'],
  ])('%p is %p', (subscription, state) => {
    expect(subscriptionState(subscription).state).toBe(state);
  });

  it('says why the system disabled it', () => {
    expect(
      subscriptionState({ isActive: false, disabledReason: '5 days of failures' }).reason,
    ).toBe('Disabled by the system: 5 days of failures');
  });
});

describe('catalog examples from JSON Schemas', () => {
  it('builds data from types, formats, enums and examples', () => {
    const schema = {
      type: 'object',
      properties: {
        employeeId: { type: 'string', format: 'uuid' },
        startDate: { type: 'string', format: 'date' },
        contractType: { type: 'string', enum: ['CDI', 'CDD'] },
        cpfHours: { type: 'integer', minimum: 0 },
        rate: { type: 'number' },
        remote: { type: 'boolean' },
        skills: { type: 'array', items: { type: 'string' } },
        note: { type: ['string', 'null'], examples: ['hello'] },
        endDate: { type: ['string', 'null'], format: 'date' },
        manager: { anyOf: [{ type: 'string', format: 'email' }, { type: 'null' }] },
        hiredOn: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
      },
    };
    expect(exampleOf(schema)).toEqual({
      employeeId: '3f1c2b9e-8d4a-4c6e-9b1f-2a7d5e6c8b90',
      startDate: '2026-11-20',
      contractType: 'CDI',
      cpfHours: 0,
      rate: 1.5,
      remote: true,
      skills: ['string'],
      note: 'hello',
      endDate: '2026-11-20',
      manager: 'jane.doe@example.com',
      hiredOn: '2026-11-20',
    });
  });

  it('wraps the data in the json body a receiver gets', () => {
    expect(examplePayload('training.completed', { a: 1 }, 'acme')).toMatchObject({
      event: 'training.completed',
      companyId: 'acme',
      data: { a: 1 },
    });
  });
});
