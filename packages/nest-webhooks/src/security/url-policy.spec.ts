import {
  addressRange,
  checkSubscriberUrl,
  HostResolver,
  isPublicAddress,
  MAX_URL_LENGTH,
  UrlPolicy,
  UrlPolicyViolation,
} from './url-policy';

const STRICT: UrlPolicy = { allowHttp: false, allowPrivateUrls: false };
const HTTP_OK: UrlPolicy = { allowHttp: true, allowPrivateUrls: false };
const PRIVATE_OK: UrlPolicy = { allowHttp: true, allowPrivateUrls: true };

const PUBLIC_V4 = '93.184.215.14';
const PUBLIC_V6 = '2606:4700:4700::1111';

/** Fake DNS: known names map to addresses, anything else fails like getaddrinfo ENOTFOUND. */
const FAKE_DNS: Record<string, string[]> = {
  'example.com': [PUBLIC_V4],
  'dual.example.com': [PUBLIC_V4, PUBLIC_V6],
  'mixed.example.com': [PUBLIC_V4, '10.0.0.5'],
  'mixed6.example.com': [PUBLIC_V6, '::ffff:127.0.0.1'],
  'internal.example.com': ['192.168.1.10'],
  'metadata.example.com': ['169.254.169.254'],
  'empty.example.com': [],
  localhost: ['127.0.0.1', '::1'],
  'app.localhost': ['127.0.0.1'],
};

const fakeResolver: jest.MockedFunction<HostResolver> = jest.fn((hostname: string) => {
  const found = FAKE_DNS[hostname];
  if (found === undefined) {
    return Promise.reject(
      Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }),
    );
  }
  return Promise.resolve(found);
});

beforeEach(() => fakeResolver.mockClear());

async function violation(raw: string, policy: UrlPolicy): Promise<string> {
  try {
    await checkSubscriberUrl(raw, policy, fakeResolver);
  } catch (err) {
    expect(err).toBeInstanceOf(UrlPolicyViolation);
    const message = (err as Error).message;
    expect(message.startsWith('url ')).toBe(true);
    return message;
  }
  throw new Error(`expected ${raw} to be refused`);
}

describe('addressRange / isPublicAddress', () => {
  it.each([
    // [address, expected range]
    ['93.184.215.14', 'unicast'],
    ['1.1.1.1', 'unicast'],
    ['2606:4700:4700::1111', 'unicast'],
    ['[2606:4700:4700::1111]', 'unicast'],
    ['::ffff:93.184.215.14', 'unicast'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['0:0:0:0:0:ffff:127.0.0.1', 'loopback'],
    ['2130706433', 'loopback'],
    ['0177.0.0.1', 'loopback'],
    ['0x7f.1', 'loopback'],
    ['127.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.1', 'private'],
    ['::ffff:192.168.0.1', 'private'],
    ['169.254.1.1', 'linkLocal'],
    ['fe80::1', 'linkLocal'],
    ['fe80::1%eth0', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456:789a::1', 'uniqueLocal'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['100.127.255.254', 'carrierGradeNat'],
    ['192.0.2.1', 'reserved'],
    ['198.51.100.1', 'reserved'],
    ['203.0.113.1', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['4000::1', 'reserved'],
    ['169.254.169.254', 'cloudMetadata'],
    ['::ffff:169.254.169.254', 'cloudMetadata'],
    ['169.254.170.2', 'cloudMetadata'],
    ['100.100.100.200', 'cloudMetadata'],
    ['168.63.129.16', 'cloudMetadata'],
    ['192.0.0.192', 'cloudMetadata'],
    ['fd00:ec2::254', 'cloudMetadata'],
    ['64:ff9b::7f00:1', 'rfc6052'],
    ['64:ff9b::a9fe:a9fe', 'rfc6052'],
    ['64:ff9b:1::a00:1', 'rfc6052'],
    ['2002:7f00:1::', '6to4'],
    ['2002:a9fe:a9fe::1', '6to4'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'teredo'],
    ['::ffff:0:7f00:1', 'rfc6145'],
    ['::7f00:1', 'ipv4Compatible'],
    // ipaddr.js reads the dotted tail of '::a.b.c.d' as IPv4-mapped; refused either way.
    ['::127.0.0.1', 'loopback'],
    ['not-an-ip', 'invalid'],
    ['', 'invalid'],
    ['256.0.0.1', 'invalid'],
  ])('%s -> %s', (ip, range) => {
    expect(addressRange(ip)).toBe(range);
    expect(isPublicAddress(ip)).toBe(range === 'unicast');
  });
});

describe('checkSubscriberUrl: non-public hosts in every spelling', () => {
  it.each([
    // [url, address shown in the message, range]
    ['https://127.0.0.1/hook', '127.0.0.1', 'loopback'],
    ['https://127.0.0.1./hook', '127.0.0.1', 'loopback'],
    ['https://[::1]/hook', '::1', 'loopback'],
    ['https://[0:0:0:0:0:0:0:1]/hook', '::1', 'loopback'],
    ['https://[::ffff:127.0.0.1]/hook', '127.0.0.1', 'loopback'],
    ['https://[::ffff:7f00:1]/hook', '127.0.0.1', 'loopback'],
    ['https://[::ffff:10.0.0.1]/hook', '10.0.0.1', 'private'],
    ['https://2130706433/hook', '127.0.0.1', 'loopback'],
    ['https://0177.0.0.1/hook', '127.0.0.1', 'loopback'],
    ['https://017700000001/hook', '127.0.0.1', 'loopback'],
    ['https://0x7f.1/hook', '127.0.0.1', 'loopback'],
    ['https://0x7f000001/hook', '127.0.0.1', 'loopback'],
    ['https://127.1/hook', '127.0.0.1', 'loopback'],
    ['https://%31%32%37.0.0.1/hook', '127.0.0.1', 'loopback'],
    ['https://10.0.0.1/hook', '10.0.0.1', 'private'],
    ['https://172.16.5.4/hook', '172.16.5.4', 'private'],
    ['https://192.168.1.1:8443/hook', '192.168.1.1', 'private'],
    ['https://0xc0a80101/hook', '192.168.1.1', 'private'],
    ['https://169.254.10.10/hook', '169.254.10.10', 'linkLocal'],
    ['https://[fe80::1]/hook', 'fe80::1', 'linkLocal'],
    ['https://[fd12:3456::1]/hook', 'fd12:3456::1', 'uniqueLocal'],
    ['https://224.0.0.251/hook', '224.0.0.251', 'multicast'],
    ['https://[ff02::1]/hook', 'ff02::1', 'multicast'],
    ['https://0.0.0.0/hook', '0.0.0.0', 'unspecified'],
    ['https://0/hook', '0.0.0.0', 'unspecified'],
    ['https://[::]/hook', '::', 'unspecified'],
    ['https://255.255.255.255/hook', '255.255.255.255', 'broadcast'],
    ['https://100.64.0.1/hook', '100.64.0.1', 'carrierGradeNat'],
    ['https://100.100.100.200/latest/meta-data', '100.100.100.200', 'cloudMetadata'],
    ['https://192.0.2.10/hook', '192.0.2.10', 'reserved'],
    ['https://240.0.0.1/hook', '240.0.0.1', 'reserved'],
    ['https://169.254.169.254/latest/meta-data/', '169.254.169.254', 'cloudMetadata'],
    ['https://2852039166/latest/meta-data/', '169.254.169.254', 'cloudMetadata'],
    ['https://[::ffff:a9fe:a9fe]/latest/meta-data/', '169.254.169.254', 'cloudMetadata'],
    ['https://[fd00:ec2::254]/latest/meta-data/', 'fd00:ec2::254', 'cloudMetadata'],
    ['https://168.63.129.16/machine', '168.63.129.16', 'cloudMetadata'],
    ['https://[64:ff9b::7f00:1]/hook', '64:ff9b::7f00:1', 'rfc6052'],
    ['https://[64:ff9b::169.254.169.254]/hook', '64:ff9b::a9fe:a9fe', 'rfc6052'],
    ['https://[2002:7f00:1::1]/hook', '2002:7f00:1::1', '6to4'],
    [
      'https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook',
      '2001:0:4136:e378:8000:63bf:3fff:fdd2',
      'teredo',
    ],
    ['https://[::127.0.0.1]/hook', '::7f00:1', 'ipv4Compatible'],
  ])('refuses %s', async (raw, shown, range) => {
    await expect(violation(raw, STRICT)).resolves.toBe(
      `url resolves to a non-public address (${shown}, ${range})`,
    );
    expect(fakeResolver).not.toHaveBeenCalled();
  });

  it.each([
    'https://127.0.0.1/hook',
    'https://[::1]/hook',
    'https://[::ffff:127.0.0.1]/hook',
    'https://2130706433/hook',
    'https://0177.0.0.1/hook',
    'https://0x7f.1/hook',
    'https://127.1/hook',
    'https://10.0.0.1/hook',
    'https://[fd00:ec2::254]/hook',
    'https://169.254.169.254/hook',
    'https://100.100.100.200/hook',
    'https://[64:ff9b::7f00:1]/hook',
    'http://192.168.1.1:8080/hook',
  ])('allows %s when allowPrivateUrls', async (raw) => {
    const { url, addresses } = await checkSubscriberUrl(raw, PRIVATE_OK, fakeResolver);
    expect(url.href).toBe(new URL(raw).href);
    expect(addresses).toHaveLength(1);
    expect(fakeResolver).not.toHaveBeenCalled();
  });
});

describe('checkSubscriberUrl: WHATWG URL normalises IPv4 spellings', () => {
  it.each([
    ['https://2130706433/', '127.0.0.1'],
    ['https://0177.0.0.1/', '127.0.0.1'],
    ['https://0x7f.1/', '127.0.0.1'],
    ['https://127.1/', '127.0.0.1'],
    ['https://1572394766/', PUBLIC_V4],
    ['https://0x5d.0xb8.0xd7.0x0e/', PUBLIC_V4],
    ['https://[::ffff:127.0.0.1]/', '[::ffff:7f00:1]'],
  ])('%s has hostname %s', async (raw, hostname) => {
    expect(new URL(raw).hostname).toBe(hostname);
    const { url } = await checkSubscriberUrl(raw, PRIVATE_OK, fakeResolver);
    expect(url.hostname).toBe(hostname);
  });
});

describe('checkSubscriberUrl: localhost names are refused without resolving', () => {
  it.each([
    ['https://localhost/hook', 'localhost'],
    ['https://LOCALHOST/hook', 'localhost'],
    ['https://localhost./hook', 'localhost.'],
    ['https://app.localhost:3000/hook', 'app.localhost'],
    ['https://a.b.LocalHost/hook', 'a.b.localhost'],
  ])('refuses %s', async (raw, host) => {
    await expect(violation(raw, STRICT)).resolves.toBe(`url host "${host}" is a loopback name`);
    expect(fakeResolver).not.toHaveBeenCalled();
  });

  it.each(['https://localhost/hook', 'http://app.localhost:3000/hook'])(
    'allows %s when allowPrivateUrls',
    async (raw) => {
      const { addresses } = await checkSubscriberUrl(raw, PRIVATE_OK, fakeResolver);
      expect(addresses.length).toBeGreaterThan(0);
    },
  );

  it('does not treat names merely containing "localhost" as loopback', async () => {
    await expect(violation('https://localhost.example.org/', STRICT)).resolves.toBe(
      'url host "localhost.example.org" does not resolve',
    );
    expect(fakeResolver).toHaveBeenCalledWith('localhost.example.org');
  });
});

describe('checkSubscriberUrl: scheme', () => {
  it.each([
    // [url, policy, expected error or null when allowed]
    ['https://example.com/hook', STRICT, null],
    ['https://example.com/hook', HTTP_OK, null],
    ['HTTPS://EXAMPLE.COM/hook', STRICT, null],
    ['http://example.com/hook', STRICT, 'url must use https://'],
    ['http://example.com/hook', HTTP_OK, null],
    ['ftp://example.com/hook', STRICT, 'url must use https://'],
    ['ftp://example.com/hook', HTTP_OK, 'url must use http:// or https://'],
    ['file:///etc/passwd', STRICT, 'url must use https://'],
    ['file:///etc/passwd', HTTP_OK, 'url must use http:// or https://'],
    ['gopher://127.0.0.1:6379/_', HTTP_OK, 'url must use http:// or https://'],
    ['ws://example.com/socket', HTTP_OK, 'url must use http:// or https://'],
    ['javascript:alert(1)', HTTP_OK, 'url must use http:// or https://'],
    ['data:text/plain,hi', STRICT, 'url must use https://'],
  ])('%s (%o) -> %s', async (raw, policy, expected) => {
    if (expected === null) {
      const { url, addresses } = await checkSubscriberUrl(raw, policy, fakeResolver);
      expect(url.hostname).toBe('example.com');
      expect(addresses).toEqual([PUBLIC_V4]);
    } else {
      await expect(violation(raw, policy)).resolves.toBe(expected);
      expect(fakeResolver).not.toHaveBeenCalled();
    }
  });
});

describe('checkSubscriberUrl: shape', () => {
  const prefix = 'https://example.com/';
  const atLimit = prefix + 'a'.repeat(MAX_URL_LENGTH - prefix.length);
  const overLimit = atLimit + 'a';
  // Under the raw limit, but percent-encoding of the path pushes href over it.
  const encodedOverLimit = `${prefix}${'ü'.repeat(400)}`;

  it.each([
    // [url, expected error]
    ['https://user:secret@example.com/hook', 'url must not contain credentials'],
    ['https://user@example.com/hook', 'url must not contain credentials'],
    ['https://:secret@example.com/hook', 'url must not contain credentials'],
    ['https://user:@example.com/hook', 'url must not contain credentials'],
    [overLimit, `url must be at most ${MAX_URL_LENGTH} characters`],
    [encodedOverLimit, `url must be at most ${MAX_URL_LENGTH} characters`],
    ['', 'url must be an absolute URL'],
    ['   ', 'url must be an absolute URL'],
    ['example.com/hook', 'url must be an absolute URL'],
    ['/relative/hook', 'url must be an absolute URL'],
    ['//example.com/hook', 'url must be an absolute URL'],
    ['https://', 'url must be an absolute URL'],
    ['https://exa mple.com/', 'url must be an absolute URL'],
    ['https://[::1/', 'url must be an absolute URL'],
    ['https://256.0.0.1/', 'url must be an absolute URL'],
    ['https://example.com:99999/', 'url must be an absolute URL'],
    ['not a url', 'url must be an absolute URL'],
  ])('%s -> %s', async (raw, expected) => {
    await expect(violation(raw, PRIVATE_OK)).resolves.toBe(expected);
    expect(fakeResolver).not.toHaveBeenCalled();
  });

  it.each([
    ['a URL of exactly MAX_URL_LENGTH', atLimit],
    ['a URL with a fragment', 'https://example.com/hook#section'],
    ['a URL with a query and port', 'https://example.com:8443/hook?a=1&b=2'],
    ['a URL with "@" only in the path', 'https://example.com/users/@me'],
  ])('allows %s', async (_label, raw) => {
    const { url, addresses } = await checkSubscriberUrl(raw, STRICT, fakeResolver);
    expect(url.href).toBe(raw);
    expect(addresses).toEqual([PUBLIC_V4]);
  });

  it('has MAX_URL_LENGTH 2048', () => {
    expect(MAX_URL_LENGTH).toBe(2048);
    expect(atLimit).toHaveLength(2048);
  });
});

describe('checkSubscriberUrl: resolved names', () => {
  it.each([
    // [url, policy, expected addresses]
    ['https://example.com/hook', STRICT, [PUBLIC_V4]],
    ['https://dual.example.com/hook', STRICT, [PUBLIC_V4, PUBLIC_V6]],
    ['https://mixed.example.com/hook', PRIVATE_OK, [PUBLIC_V4, '10.0.0.5']],
    ['https://internal.example.com/hook', PRIVATE_OK, ['192.168.1.10']],
    ['https://metadata.example.com/hook', PRIVATE_OK, ['169.254.169.254']],
  ])('allows %s (%o)', async (raw, policy, expected) => {
    const url = new URL(raw);
    const result = await checkSubscriberUrl(raw, policy, fakeResolver);
    expect(result.url.href).toBe(url.href);
    expect(result.addresses).toEqual(expected);
    expect(fakeResolver).toHaveBeenCalledTimes(1);
    expect(fakeResolver).toHaveBeenCalledWith(url.hostname);
  });

  it.each([
    // [url, policy, expected error]
    [
      'https://mixed.example.com/hook',
      STRICT,
      'url resolves to a non-public address (10.0.0.5, private)',
    ],
    [
      'https://mixed6.example.com/hook',
      STRICT,
      'url resolves to a non-public address (127.0.0.1, loopback)',
    ],
    [
      'https://internal.example.com/hook',
      STRICT,
      'url resolves to a non-public address (192.168.1.10, private)',
    ],
    [
      'https://metadata.example.com/hook',
      HTTP_OK,
      'url resolves to a non-public address (169.254.169.254, cloudMetadata)',
    ],
    // The (lower-cased, punycoded) hostname goes to the resolver as-is, trailing dot included.
    ['https://Example.COM./hook', STRICT, 'url host "example.com." does not resolve'],
    ['https://nope.invalid/hook', STRICT, 'url host "nope.invalid" does not resolve'],
    ['https://nope.invalid/hook', PRIVATE_OK, 'url host "nope.invalid" does not resolve'],
    ['https://empty.example.com/hook', STRICT, 'url host "empty.example.com" does not resolve'],
    ['https://empty.example.com/hook', PRIVATE_OK, 'url host "empty.example.com" does not resolve'],
  ])('refuses %s (%o)', async (raw, policy, expected) => {
    await expect(violation(raw, policy)).resolves.toBe(expected);
    expect(fakeResolver).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['https://[2606:4700:4700::1111]/hook', STRICT, PUBLIC_V6],
    ['https://[2606:4700:4700:0:0:0:0:1111]:8443/hook', STRICT, PUBLIC_V6],
    ['https://93.184.215.14/hook', STRICT, PUBLIC_V4],
    ['https://1572394766/hook', STRICT, PUBLIC_V4],
    ['https://[::ffff:93.184.215.14]/hook', STRICT, '::ffff:5db8:d70e'],
    ['http://93.184.215.14/hook', HTTP_OK, PUBLIC_V4],
  ])('allows public IP literal %s without resolving', async (raw, policy, address) => {
    const { addresses } = await checkSubscriberUrl(raw, policy, fakeResolver);
    expect(addresses).toEqual([address]);
    expect(fakeResolver).not.toHaveBeenCalled();
  });
});
