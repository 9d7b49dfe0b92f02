import { WebhooksErrorCode } from '../webhooks.errors';
import { decideKey, IDEMPOTENCY_WINDOW_MS, keyReused } from './idempotency';

describe('decideKey', () => {
  const now = Date.parse('2026-12-02T12:00:00Z');
  const claim = { key: 'k', requestHash: 'h1' };
  const earlier = (ageMs: number, requestHash: string | null = 'h1') => ({
    id: 'e1',
    requestHash,
    createdAt: new Date(now - ageMs),
  });

  it.each([
    ['no event holds the key', undefined, { kind: 'free' }],
    ['the same body within the window', earlier(1000), { kind: 'replay', id: 'e1' }],
    [
      'the same body at the end of the window',
      earlier(IDEMPOTENCY_WINDOW_MS),
      { kind: 'replay', id: 'e1' },
    ],
    ['another body within the window', earlier(1000, 'h2'), { kind: 'reused' }],
    ['an event stored without a hash', earlier(1000, null), { kind: 'reused' }],
    ['the same body past the window', earlier(IDEMPOTENCY_WINDOW_MS + 1), { kind: 'free' }],
    ['another body past the window', earlier(IDEMPOTENCY_WINDOW_MS + 1, 'h2'), { kind: 'free' }],
  ])('%s', (_, held, decision) => {
    expect(decideKey(claim, held, now)).toEqual(decision);
  });

  it('a reused key is refused naming the Idempotency-Key header', () => {
    expect(keyReused()).toMatchObject({
      code: WebhooksErrorCode.IdempotencyKeyReused,
      field: 'Idempotency-Key',
    });
  });
});
