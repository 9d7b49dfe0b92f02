import { lookup } from 'node:dns/promises';
import * as ipaddr from 'ipaddr.js';

/**
 * Policy for subscriber (webhook receiver) URLs.
 *
 * Pure logic: no Nest imports. The only I/O is name resolution, which is injected as a
 * {@link HostResolver} so callers (and tests) decide how host names are looked up.
 */
export interface UrlPolicy {
  /** Accept `http://` as well as `https://`. */
  allowHttp: boolean;
  /** Accept hosts that are or resolve to non-public addresses (loopback, RFC1918, ...). */
  allowPrivateUrls: boolean;
}

/** Resolves a host name to IP address strings (v4 and/or v6). */
export type HostResolver = (hostname: string) => Promise<string[]>;

/** dns.promises.lookup(host, {all: true, verbatim: true}) mapped to addresses. */
export const systemHostResolver: HostResolver = async (hostname) => {
  const results = await lookup(hostname, { all: true, verbatim: true });
  return results.map((r) => r.address);
};

export const MAX_URL_LENGTH = 2048;

/**
 * Thrown with a short human reason. Messages always start with "url " so an API can show them
 * as field errors.
 */
export class UrlPolicyViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UrlPolicyViolation';
  }
}

/** Range name returned by {@link addressRange} for strings ipaddr.js cannot parse. */
const INVALID_RANGE = 'invalid';
/** Range name for well-known cloud instance-metadata endpoints. */
const CLOUD_METADATA_RANGE = 'cloudMetadata';

/**
 * Instance-metadata / platform endpoints. Most already fall in a refused range (link-local,
 * CGNAT, unique-local, reserved); they are listed so errors name them, and because some
 * (Azure WireServer 168.63.129.16) sit in otherwise public unicast space.
 */
const CLOUD_METADATA_ADDRESSES: readonly string[] = [
  '169.254.169.254', // AWS, GCP, Azure, OpenStack, DigitalOcean, ... IMDS
  '169.254.169.123', // AWS time sync
  '169.254.170.2', // AWS ECS task metadata
  '169.254.170.23', // AWS EKS pod identity
  '100.100.100.200', // Alibaba Cloud
  '168.63.129.16', // Azure WireServer
  '192.0.0.192', // Oracle Cloud
  'fd00:ec2::254', // AWS IMDS over IPv6
  'fd00:ec2::23', // AWS EKS pod identity over IPv6
].map((a) => ipaddr.parse(a).toNormalizedString());

/** IPv4-compatible IPv6 (::a.b.c.d, deprecated by RFC 4291); ipaddr.js calls it 'unicast'. */
const IPV4_COMPATIBLE = ipaddr.IPv6.parseCIDR('::/96');
/** IANA global unicast space; anything outside it (and not otherwise named) is reserved. */
const IPV6_GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR('2000::/3');

/** Parses any spelling ipaddr.js accepts, with optional [brackets], unwrapping IPv4-mapped IPv6. */
function parseAddress(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  if (!ipaddr.isValid(bare)) {
    return null;
  }
  try {
    return ipaddr.process(bare);
  } catch {
    return null;
  }
}

/**
 * The ipaddr range name after unwrapping IPv4-mapped addresses (e.g. 'loopback', 'private',
 * 'unicast'). Additionally: 'cloudMetadata' for known metadata endpoints, 'ipv4Compatible' for
 * ::/96 and 'reserved' for IPv6 outside 2000::/3 that ipaddr.js would call 'unicast', and
 * 'invalid' for strings that are not IP addresses.
 */
export function addressRange(ip: string): string {
  const addr = parseAddress(ip);
  if (addr === null) {
    return INVALID_RANGE;
  }
  if (CLOUD_METADATA_ADDRESSES.includes(addr.toNormalizedString())) {
    return CLOUD_METADATA_RANGE;
  }
  if (addr.kind() === 'ipv4') {
    return addr.range();
  }
  const range = addr.range();
  if (range === 'unicast') {
    if (addr.match(IPV4_COMPATIBLE)) {
      return 'ipv4Compatible';
    }
    if (!addr.match(IPV6_GLOBAL_UNICAST)) {
      return 'reserved';
    }
  }
  return range;
}

/**
 * true when the address (any spelling ipaddr accepts, IPv4-mapped IPv6 unwrapped) is public
 * unicast. Allowlist: everything that is not plainly 'unicast' is refused, which covers NAT64,
 * 6to4 and Teredo forms embedding IPv4 addresses.
 */
export function isPublicAddress(ip: string): boolean {
  return addressRange(ip) === 'unicast';
}

/** Human form of an address for error messages: IPv4-mapped shown as IPv4. */
function displayAddress(ip: string): string {
  const addr = parseAddress(ip);
  return addr === null ? ip : addr.toString();
}

function isLocalhostName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.+$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

function assertPublic(addresses: readonly string[]): void {
  for (const address of addresses) {
    const range = addressRange(address);
    if (range !== 'unicast') {
      throw new UrlPolicyViolation(
        `url resolves to a non-public address (${displayAddress(address)}, ${range})`,
      );
    }
  }
}

/**
 * Parse and check a subscriber URL; IP-literal hosts are checked directly, names are resolved
 * with `resolve` and EVERY address must be public (unless allowPrivateUrls). A resolver error or
 * empty result -> UrlPolicyViolation 'url host "x" does not resolve'. Returns the parsed URL and
 * the addresses it resolved to (callers may pin delivery to them against DNS rebinding).
 */
export async function checkSubscriberUrl(
  raw: string,
  policy: UrlPolicy,
  resolve: HostResolver,
): Promise<{ url: URL; addresses: string[] }> {
  if (typeof raw !== 'string' || raw.trim() === '') {
    throw new UrlPolicyViolation('url must be an absolute URL');
  }
  if (raw.length > MAX_URL_LENGTH) {
    throw new UrlPolicyViolation(`url must be at most ${MAX_URL_LENGTH} characters`);
  }

  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UrlPolicyViolation('url must be an absolute URL');
  }

  const schemeMessage = policy.allowHttp
    ? 'url must use http:// or https://'
    : 'url must use https://';
  if (url.protocol !== 'https:' && !(policy.allowHttp && url.protocol === 'http:')) {
    throw new UrlPolicyViolation(schemeMessage);
  }
  // Normalisation (IDN -> punycode, percent-encoding) can lengthen the URL.
  if (url.href.length > MAX_URL_LENGTH) {
    throw new UrlPolicyViolation(`url must be at most ${MAX_URL_LENGTH} characters`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new UrlPolicyViolation('url must not contain credentials');
  }

  const hostname = url.hostname;
  if (hostname === '') {
    throw new UrlPolicyViolation('url must have a host');
  }

  // WHATWG URL has already turned decimal/octal/hex/short IPv4 spellings into dotted form and
  // kept IPv6 literals in [brackets]; anything ipaddr.js can parse is checked without DNS.
  const literal = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  if (ipaddr.isValid(literal)) {
    if (!policy.allowPrivateUrls) {
      assertPublic([literal]);
    }
    return { url, addresses: [literal] };
  }

  if (!policy.allowPrivateUrls && isLocalhostName(hostname)) {
    throw new UrlPolicyViolation(`url host "${hostname}" is a loopback name`);
  }

  let addresses: string[];
  try {
    addresses = await resolve(hostname);
  } catch {
    throw new UrlPolicyViolation(`url host "${hostname}" does not resolve`);
  }
  if (!Array.isArray(addresses) || addresses.length === 0) {
    throw new UrlPolicyViolation(`url host "${hostname}" does not resolve`);
  }
  if (!policy.allowPrivateUrls) {
    assertPublic(addresses);
  }
  return { url, addresses };
}
