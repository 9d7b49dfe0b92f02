import { ServiceUnavailableException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable } from './database-unavailable';

function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('isDatabaseUnavailable', () => {
  it.each([
    ['connection refused', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['connection reset', withCode('read ECONNRESET', 'ECONNRESET')],
    ['pool connect timeout', new Error('timeout exceeded when trying to connect')],
    ['connection ended by the server', new Error('Connection terminated unexpectedly')],
    [
      'server shutting down (57P01)',
      withCode('terminating connection due to administrator command', '57P01'),
    ],
    ['server starting up (57P03)', withCode('the database system is starting up', '57P03')],
    ['too many connections (53300)', withCode('sorry, too many clients already', '53300')],
    [
      'a read-only standby after a failover (25006)',
      withCode('cannot execute INSERT in a read-only transaction', '25006'),
    ],
    ['connection exception class 08', withCode('connection failure', '08006')],
    [
      'a TypeORM QueryFailedError wrapping a broken connection',
      new QueryFailedError('SELECT 1', [], new Error('Connection terminated unexpectedly')),
    ],
    [
      'an error whose cause is a refused connection',
      new Error('publish failed', { cause: withCode('x', 'ECONNREFUSED') }),
    ],
  ])('%s: unavailable', (_label, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', new QueryFailedError('INSERT', [], withCode('duplicate key', '23505'))],
    ['a syntax error', withCode('syntax error at or near', '42601')],
    [
      'temp_file_limit exceeded (53400: a fixed per-query limit)',
      withCode('temporary file size exceeds temp_file_limit', '53400'),
    ],
    [
      'an HttpException, whatever its cause',
      new ServiceUnavailableException('x', { cause: withCode('x', 'ECONNREFUSED') }),
    ],
    [
      'a plain programming error',
      new TypeError("Cannot read properties of undefined (reading 'id')"),
    ],
    ['not an error at all', 'boom'],
    ['null', null],
  ])('%s: not an outage', (_label, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it('stops on a cause cycle', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(isDatabaseUnavailable(a)).toBe(false);
  });
});
