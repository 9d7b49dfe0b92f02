import {
  loggedRequestHeaders,
  loggedResponseHeaders,
  MAX_LOGGED_HEADER_VALUE_BYTES,
} from './attempt-headers';

describe('loggedRequestHeaders', () => {
  const sent = {
    'X-Api-Key': 'sk_live_123',
    'content-type': 'application/json',
    'webhook-id': 'evt_1',
    'webhook-timestamp': '1764000000',
    'webhook-signature': 'v1,abc= v1,def=',
    'X-Webhook-Signature': 'sha256=00ff,sha256=ee11',
    'X-Webhook-Signature-Algorithm': 'HmacSha256',
  };

  it('keeps every header, masking the signatures and the subscription’s own values', () => {
    expect(loggedRequestHeaders(sent, { 'X-Api-Key': 'sk_live_123' })).toEqual({
      'X-Api-Key': '[redacted]',
      'content-type': 'application/json',
      'webhook-id': 'evt_1',
      'webhook-timestamp': '1764000000',
      'webhook-signature': '[redacted]',
      'X-Webhook-Signature': '[redacted]',
      'X-Webhook-Signature-Algorithm': 'HmacSha256',
    });
  });

  it('leaves what was sent as it was', () => {
    const copy = { ...sent };
    loggedRequestHeaders(sent, { 'X-Api-Key': 'sk_live_123' });
    expect(sent).toEqual(copy);
  });
});

describe('loggedResponseHeaders', () => {
  it('is null without an answer', () => {
    expect(loggedResponseHeaders(null, {})).toBeNull();
  });

  it('keeps the headers as received', () => {
    expect(loggedResponseHeaders(204, {})).toEqual({});
    expect(loggedResponseHeaders(503, { 'retry-after': '30', server: 'x' })).toEqual({
      'retry-after': '30',
      server: 'x',
    });
  });

  it('keeps the first 50 headers', () => {
    const received = Object.fromEntries(
      Array.from({ length: 80 }, (_, i) => [`x-h${String(i).padStart(2, '0')}`, String(i)]),
    );
    const logged = loggedResponseHeaders(200, received)!;
    expect(Object.keys(logged)).toEqual(Object.keys(received).slice(0, 50));
  });

  it.each([
    ['ASCII', 'a'.repeat(5000), 'a'.repeat(1024)],
    ['exactly 1 KiB', 'b'.repeat(1024), 'b'.repeat(1024)],
    ['two-byte characters', 'é'.repeat(600), 'é'.repeat(512)],
    ['a character cut in the middle', `a${'é'.repeat(600)}`, `a${'é'.repeat(511)}`],
    ['a surrogate pair cut in the middle', `ab${'😀'.repeat(300)}`, `ab${'😀'.repeat(255)}`],
  ])('cuts a value to 1 KiB: %s', (_label, value, expected) => {
    const logged = loggedResponseHeaders(200, { 'x-long': value })!;
    expect(logged['x-long']).toBe(expected);
    expect(Buffer.byteLength(logged['x-long'], 'utf8')).toBeLessThanOrEqual(
      MAX_LOGGED_HEADER_VALUE_BYTES,
    );
  });

  it('drops what PostgreSQL cannot store in jsonb (NUL)', () => {
    expect(loggedResponseHeaders(200, { 'x-a': 'a\0b' })).toEqual({ 'x-a': 'ab' });
  });
});
