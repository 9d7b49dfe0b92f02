import { REDACTED, redactSecrets } from './redact';

describe('redactSecrets', () => {
  it.each([
    [
      'a signing secret',
      'secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw= rotated',
      `secret ${REDACTED} rotated`,
    ],
    ['a bearer token', 'Authorization: Bearer abc.def-ghi', `Authorization: ${REDACTED}`],
    ['a bare JWT', 'token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig_nature-1', `token=${REDACTED}`],
    ['several at once', 'whsec_a and whsec_b', `${REDACTED} and ${REDACTED}`],
  ])('masks %s', (_label, input, output) => {
    expect(redactSecrets(input)).toBe(output);
  });

  it('leaves ordinary text alone', () => {
    const text = 'Subscription 3f1c0b9e-1d2a-4c55-9a3e-2b7d8c9e0f11 created for company acme';
    expect(redactSecrets(text)).toBe(text);
  });
});
