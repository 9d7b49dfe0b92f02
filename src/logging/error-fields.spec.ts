import { QueryFailedError } from 'typeorm';
import { REDACTED } from './redact';
import { serializeError } from './error-fields';

/** A refused INSERT whose parameters carry a partner's credentials. */
function queryFailed(): QueryFailedError {
  const driverError = Object.assign(new Error('duplicate key value'), { code: '23505' });
  return new QueryFailedError(
    'INSERT INTO webhook_subscriptions (headers) VALUES ($1)',
    [{ authorization: 'Basic cGFydG5lcjpzM2NyZXQ=' }],
    driverError,
  );
}

describe('serializeError', () => {
  it('keeps type, code, message and stack, and drops the statement and its parameters', () => {
    const error = queryFailed();
    const logged = serializeError(error);
    expect(Object.keys(logged).sort()).toEqual(['code', 'message', 'stack', 'type']);
    expect(logged.type).toBe('QueryFailedError');
    expect(JSON.stringify(logged)).not.toContain('cGFydG5lcjpzM2NyZXQ=');
  });

  it('masks secrets inside the message and the stack', () => {
    const logged = serializeError(new Error('bad secret whsec_c2VjcmV0c2VjcmV0c2VjcmV0'));
    expect(logged.message).toBe(`bad secret ${REDACTED}`);
    expect(String(logged.stack)).not.toContain('whsec_c2Vj');
  });

  it("reads an error serialised already (the plain object pino's standard serialiser makes)", () => {
    const error = queryFailed();
    // pino-std-serializers' err(): type, message, stack and every own field (parameters too).
    const serialised = {
      ...error,
      type: 'QueryFailedError',
      message: error.message,
      stack: error.stack,
    };

    const logged = serializeError(serialised);

    expect(logged).toMatchObject({
      type: 'QueryFailedError',
      code: '23505',
      message: 'duplicate key value',
    });
    expect(Object.keys(logged).sort()).toEqual(['code', 'message', 'stack', 'type']);
    expect(JSON.stringify(logged)).not.toContain('cGFydG5lcjpzM2NyZXQ=');
  });

  it('describes a thrown non-error', () => {
    expect(serializeError('Bearer abc.def')).toEqual({ message: REDACTED });
  });
});
