import type { LookupAddress, LookupOptions } from 'node:dns';
import type { HostResolver } from '../security/url-policy';
import { readCappedBody } from './capped-body';
import { httpErrorReason } from './http-error-reason';
import { normalizeResponseHeaders } from './response-helpers';
import {
  ADDRESS_NOT_PUBLIC_CODE,
  AddressNotPublicError,
  checkLiteralHost,
  createPinnedLookup,
} from './pinned-lookup';
import { PassThrough } from 'node:stream';

interface LookupResult {
  error: NodeJS.ErrnoException | null;
  address: string | LookupAddress[];
  family?: number;
}

function lookupWith(
  resolver: HostResolver,
  allowPrivate: boolean,
  hostname: string,
  options: LookupOptions,
): Promise<LookupResult> {
  const lookup = createPinnedLookup(resolver, allowPrivate);
  return new Promise((resolve) => {
    lookup(hostname, options, (error, address, family) => resolve({ error, address, family }));
  });
}

const resolver: HostResolver = async (hostname) =>
  ({
    'public.test': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
    'mixed.test': ['93.184.215.14', '10.1.2.3'],
    'mapped.test': ['::ffff:169.254.169.254'],
    'empty.test': [],
  })[hostname] ??
  Promise.reject(Object.assign(new Error('queryA ESERVFAIL'), { code: 'ESERVFAIL' }));

describe('createPinnedLookup', () => {
  it('answers every checked address with options.all', async () => {
    const result = await lookupWith(resolver, false, 'public.test', { all: true });

    expect(result.error).toBeNull();
    expect(result.address).toEqual([
      { address: '93.184.215.14', family: 4 },
      { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
    ]);
  });

  it('answers the first address (and its family) without options.all', async () => {
    const result = await lookupWith(resolver, false, 'public.test', {});

    expect(result).toEqual({ error: null, address: '93.184.215.14', family: 4 });
  });

  it('honours options.family', async () => {
    const v6 = await lookupWith(resolver, false, 'public.test', { family: 6 });
    const v4 = await lookupWith(resolver, false, 'public.test', { all: true, family: 'IPv4' });

    expect(v6).toEqual({
      error: null,
      address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c',
      family: 6,
    });
    expect(v4.address).toEqual([{ address: '93.184.215.14', family: 4 }]);
  });

  it('refuses when ANY resolved address is not public', async () => {
    const mixed = await lookupWith(resolver, false, 'mixed.test', { all: true });
    const mapped = await lookupWith(resolver, false, 'mapped.test', { all: true });

    expect(mixed.error).toBeInstanceOf(AddressNotPublicError);
    expect(mixed.error).toMatchObject({
      code: ADDRESS_NOT_PUBLIC_CODE,
      range: 'private',
      message: 'address 10.1.2.3 is not public (private)',
    });
    expect(mapped.error).toMatchObject({ code: ADDRESS_NOT_PUBLIC_CODE, range: 'cloudMetadata' });
  });

  it('answers non-public addresses when private addresses are allowed', async () => {
    const result = await lookupWith(resolver, true, 'mixed.test', { all: true });

    expect(result.error).toBeNull();
    expect(result.address).toEqual([
      { address: '93.184.215.14', family: 4 },
      { address: '10.1.2.3', family: 4 },
    ]);
  });

  it('fails like DNS when the resolver fails or finds nothing', async () => {
    const failed = await lookupWith(resolver, false, 'nxdomain.test', {});
    const empty = await lookupWith(resolver, true, 'empty.test', { all: true });
    const noV6 = await lookupWith(resolver, true, 'mixed.test', { family: 6 });

    expect(failed.error).toMatchObject({ code: 'ESERVFAIL' });
    expect(empty.error).toMatchObject({ code: 'ENOTFOUND' });
    expect(noV6.error).toMatchObject({ code: 'ENOTFOUND' });
    expect(httpErrorReason(failed.error)).toBe('dns lookup failed');
  });
});

describe('checkLiteralHost', () => {
  it.each([
    ['http://127.0.0.1:8080/x', false, 'address not public (loopback)'],
    ['https://[::1]/', false, 'address not public (loopback)'],
    ['https://[fd00:ec2::254]/', false, 'address not public (cloudMetadata)'],
    ['http://192.168.1.1/', false, 'address not public (private)'],
    ['http://0x7f000001/', false, 'address not public (loopback)'],
    ['http://127.0.0.1/', true, null],
    ['https://93.184.215.14/', false, null],
    ['https://example.com/', false, null],
    ['nope', false, 'invalid url'],
  ])('%s (allowPrivate %s) -> %s', (url, allowPrivate, expected) => {
    expect(checkLiteralHost(url, allowPrivate)).toBe(expected);
  });
});

describe('httpErrorReason', () => {
  const coded = (code: string, extra: object = {}) =>
    Object.assign(new Error(`${code} happened`), { code }, extra);

  it.each([
    [coded('ECONNREFUSED'), 'connection refused'],
    [coded('ECONNRESET'), 'connection reset'],
    [coded('UND_ERR_SOCKET'), 'connection reset'],
    [coded('ENOTFOUND'), 'dns lookup failed'],
    [coded('EAI_AGAIN'), 'dns lookup failed'],
    [coded('UND_ERR_HEADERS_TIMEOUT'), 'timeout'],
    [coded('DEPTH_ZERO_SELF_SIGNED_CERT'), 'tls error: DEPTH_ZERO_SELF_SIGNED_CERT'],
    [coded('ERR_TLS_CERT_ALTNAME_INVALID'), 'tls error: ERR_TLS_CERT_ALTNAME_INVALID'],
    [coded('HPE_INVALID_CONSTANT'), 'invalid http response'],
    [
      Object.assign(
        new Error(
          'write EPROTO 40B8:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:354:\n',
        ),
        { code: 'EPROTO' },
      ),
      'tls error: ERR_SSL_WRONG_VERSION_NUMBER',
    ],
    [coded('EPROTO'), 'tls error: EPROTO'],
    [new AddressNotPublicError('10.0.0.1', 'private'), 'address not public (private)'],
    [coded('EHOSTUNREACH'), 'network error: EHOSTUNREACH'],
    // Wrapped, as axios does (code copied onto the wrapper, original as cause).
    [
      coded('ECONNREFUSED', { name: 'AxiosError', cause: coded('ECONNREFUSED') }),
      'connection refused',
    ],
    [Object.assign(new Error('fetch failed'), { cause: coded('ECONNRESET') }), 'connection reset'],
    [
      new AggregateError([coded('ECONNREFUSED'), coded('ECONNREFUSED')], 'all failed'),
      'connection refused',
    ],
    [
      new Error('bad thing at https://user:pw@host/secret?token=x'),
      'network error: bad thing at <url>',
    ],
    ['a string', 'network error: unknown'],
  ])('%#: %s -> %s', (error, expected) => {
    expect(httpErrorReason(error)).toBe(expected);
  });

  it('says timeout whenever the deadline fired', () => {
    expect(httpErrorReason(coded('UND_ERR_ABORTED'), true)).toBe('timeout');
  });

  it('keeps messages short', () => {
    expect(httpErrorReason(new Error('x'.repeat(500))).length).toBeLessThanOrEqual(100);
  });
});

describe('readCappedBody', () => {
  it('stops at the cap and destroys a stream still arriving', async () => {
    const stream = new PassThrough();
    stream.write(Buffer.alloc(3000, 'a'));
    stream.write(Buffer.alloc(3000, 'b'));

    const read = await readCappedBody(stream, 4096);
    await new Promise((resolve) => setImmediate(resolve));

    expect(read.error).toBeNull();
    expect(read.body.toString()).toBe('a'.repeat(3000) + 'b'.repeat(1096));
    expect(stream.destroyed).toBe(true);
  });

  it('stops at the cap and drains, not destroys, a response that has all arrived', async () => {
    // node:http's IncomingMessage says `complete` once the whole message is parsed: destroying
    // it would cost its keep-alive connection.
    const stream = Object.assign(new PassThrough({ autoDestroy: false }), { complete: true });
    stream.write(Buffer.alloc(6000, 'a'));
    stream.end(Buffer.alloc(2000, 'b'));
    // Paused right at the first chunk: only readCappedBody's drain can bring it to its end.
    stream.once('data', () => stream.pause());

    const read = await readCappedBody(stream, 4096);
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));

    expect(read.body.length).toBe(4096);
    expect(stream.readableEnded).toBe(true);
    expect(stream.destroyed).toBe(false);
  });

  it('returns what arrived when the signal aborts', async () => {
    const stream = new PassThrough();
    const controller = new AbortController();
    stream.write('early');
    setTimeout(() => controller.abort(new Error('deadline')), 20);

    const read = await readCappedBody(stream, 4096, controller.signal);

    expect(read.body.toString()).toBe('early');
    expect(read.error).toEqual(new Error('deadline'));
    expect(stream.destroyed).toBe(true);
  });

  it('reports a stream that closes before its end', async () => {
    const stream = new PassThrough();
    stream.write('part');
    setTimeout(() => stream.destroy(), 20);

    const read = await readCappedBody(stream, 4096);

    expect(read.body.toString()).toBe('part');
    expect(httpErrorReason(read.error)).toBe('connection reset');
  });
});

describe('normalizeResponseHeaders', () => {
  it('lower-cases names and joins repeated values', () => {
    expect(
      normalizeResponseHeaders({
        'Content-Type': 'text/plain',
        'set-cookie': ['a=1', 'b=2'],
        'X-N': 3,
        'x-gone': undefined,
      }),
    ).toEqual({ 'content-type': 'text/plain', 'set-cookie': 'a=1, b=2', 'x-n': '3' });
  });
});
