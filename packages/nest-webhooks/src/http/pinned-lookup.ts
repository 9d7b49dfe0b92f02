import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { addressRange, isPublicAddress, type HostResolver } from '../security/url-policy';

/** `code` of the error a pinned lookup fails with when an address is not public. */
export const ADDRESS_NOT_PUBLIC_CODE = 'EADDRNOTPUBLIC';

/** A resolved (or literal) address is loopback, private, link-local, metadata, ... */
export class AddressNotPublicError extends Error {
  readonly code = ADDRESS_NOT_PUBLIC_CODE;

  constructor(
    readonly address: string,
    /** {@link addressRange} name: 'loopback', 'private', 'linkLocal', 'cloudMetadata', ... */
    readonly range: string,
  ) {
    super(`address ${address} is not public (${range})`);
    this.name = 'AddressNotPublicError';
  }
}

/** The short delivery-log reason for a refused address. */
export function addressNotPublicReason(range: string): string {
  return `address not public (${range})`;
}

type LookupCallback = Parameters<LookupFunction>[2];

function requestedFamily(family: LookupOptions['family']): 0 | 4 | 6 {
  if (family === 4 || family === 'IPv4') {
    return 4;
  }
  if (family === 6 || family === 'IPv6') {
    return 6;
  }
  return 0;
}

function lookupError(hostname: string, cause: unknown): NodeJS.ErrnoException {
  const causeCode = (cause as { code?: unknown } | null)?.code;
  const code = typeof causeCode === 'string' && causeCode !== '' ? causeCode : 'ENOTFOUND';
  const error: NodeJS.ErrnoException = new Error(`lookup ${hostname} failed (${code})`, {
    cause,
  });
  error.code = code;
  return Object.assign(error, { hostname });
}

/**
 * A `lookup` for `net.connect` / `tls.connect` (and so for undici's and node:http's agents)
 * that resolves with `resolve` and, unless `allowPrivateAddresses`, fails with an
 * {@link AddressNotPublicError} when ANY resolved address is not public. Otherwise it answers
 * exactly the addresses it checked, so the socket connects to a checked address and a second
 * DNS answer cannot swap in another one (DNS rebinding). Supports `options.all` and
 * `options.family`. Connect does not call `lookup` for IP-literal hosts: see
 * {@link checkLiteralHost}.
 */
export function createPinnedLookup(
  resolve: HostResolver,
  allowPrivateAddresses: boolean,
): LookupFunction {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    const family = requestedFamily(options?.family);
    Promise.resolve()
      .then(() => resolve(hostname))
      .then(
        (resolved) => {
          if (!Array.isArray(resolved) || resolved.length === 0) {
            callback(lookupError(hostname, null), []);
            return;
          }
          if (!allowPrivateAddresses) {
            const refused = resolved.find((address) => !isPublicAddress(address));
            if (refused !== undefined) {
              callback(new AddressNotPublicError(refused, addressRange(refused)), []);
              return;
            }
          }
          const addresses: LookupAddress[] = [];
          for (const address of resolved) {
            const addressFamily = isIP(address);
            if (addressFamily !== 0 && (family === 0 || family === addressFamily)) {
              addresses.push({ address, family: addressFamily });
            }
          }
          if (addresses.length === 0) {
            callback(lookupError(hostname, null), []);
          } else if (options?.all === true) {
            callback(null, addresses);
          } else {
            callback(null, addresses[0].address, addresses[0].family);
          }
        },
        (error: unknown) => callback(lookupError(hostname, error), []),
      );
  };
}

/**
 * For IP-literal hosts (which connect never passes to `lookup`): the refusal reason
 * (`address not public (<range>)`) when the literal is not public and private addresses are not
 * allowed; `invalid url` for an unparsable URL; else null (a host name, or an allowed literal).
 */
export function checkLiteralHost(url: string | URL, allowPrivate: boolean): string | null {
  let hostname: string;
  try {
    hostname = (typeof url === 'string' ? new URL(url) : url).hostname;
  } catch {
    return 'invalid url';
  }
  const literal =
    hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  if (allowPrivate || isIP(literal) === 0 || isPublicAddress(literal)) {
    return null;
  }
  return addressNotPublicReason(addressRange(literal));
}
