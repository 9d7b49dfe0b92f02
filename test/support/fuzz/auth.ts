import * as fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { ALL_PERMISSIONS } from '../constants';
import { JWT_SECRET } from './secrets';
import { ACME, GLOBEX } from './settings';
import { headerValue, jsonText, nastyString, objectText } from './values';

// The Authorization header of a fuzzed request: mostly a JWT (for ACME, GLOBEX or an odd company;
// with every permission, some, or made-up ones; the app's key or another; HS256, HS512 or none;
// valid, expired or without expiry) behind some scheme, else any claims, no header, or any value.

export type AuthSpec =
  | { kind: 'none' }
  | { kind: 'raw'; value: string }
  | {
      kind: 'jwt';
      scheme: string;
      company: string;
      permissions: string[];
      key: 'app' | 'wrong';
      expiry: 'valid' | 'expired' | 'none';
      alg: 'HS256' | 'HS512' | 'none';
    }
  | { kind: 'claims'; scheme: string; payload: string };

const scheme = fc.oneof(
  { weight: 10, arbitrary: fc.constant('Bearer ') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'bearer ',
      'BEARER ',
      'Bearer  ',
      'Bearer\t',
      'Token ',
      'Basic ',
      '',
      'Bearer',
    ),
  },
);

export const authSpec: fc.Arbitrary<AuthSpec> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      kind: fc.constant('jwt' as const),
      scheme,
      company: fc.oneof(
        { weight: 10, arbitrary: fc.constant(ACME) },
        { weight: 3, arbitrary: fc.constant(GLOBEX) },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            '\u0000',
            'acme\u0000',
            'ACME',
            'acme ',
            '',
            'é',
            'c'.repeat(300),
          ),
        },
        { weight: 1, arbitrary: nastyString },
      ),
      permissions: fc.oneof(
        { weight: 5, arbitrary: fc.constant(ALL_PERMISSIONS) },
        { weight: 3, arbitrary: fc.subarray(ALL_PERMISSIONS) },
        {
          weight: 1,
          arbitrary: fc.array(
            fc.oneof(
              fc.constantFrom(
                ...ALL_PERMISSIONS,
                '*',
                'admin',
                'SYSTEM.WEBHOOKS.MANAGE',
                'hr.manage ',
              ),
              nastyString,
            ),
            { maxLength: 4 },
          ),
        },
      ),
      key: fc.oneof(
        { weight: 15, arbitrary: fc.constant('app' as const) },
        fc.constant('wrong' as const),
      ),
      expiry: fc.oneof(
        { weight: 15, arbitrary: fc.constant('valid' as const) },
        fc.constantFrom('expired' as const, 'none' as const),
      ),
      alg: fc.oneof(
        { weight: 20, arbitrary: fc.constant('HS256' as const) },
        fc.constantFrom('HS512' as const, 'none' as const),
      ),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('raw' as const), value: headerValue }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('claims' as const),
      scheme,
      payload: fc.oneof(
        jsonText,
        fc.tuple(jsonText, jsonText).map(([company, permissions]) =>
          objectText([
            ['sub', '"fuzz"'],
            ['companyId', company],
            ['permissions', permissions],
          ]),
        ),
      ),
    }),
  },
);

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function signJwt(payload: string, key: string, alg: 'HS256' | 'HS512' | 'none'): string {
  const input = `${base64url(JSON.stringify({ alg, typ: 'JWT' }))}.${base64url(payload)}`;
  if (alg === 'none') return `${input}.`;
  const hash = alg === 'HS256' ? 'sha256' : 'sha512';
  return `${input}.${createHmac(hash, key).update(input).digest('base64url')}`;
}

/** The Authorization header value for the spec, and the token in it (if any). */
export function authorization(auth: AuthSpec): { header: string | null; token: string | null } {
  const now = Math.floor(Date.now() / 1000);
  switch (auth.kind) {
    case 'none':
      return { header: null, token: null };
    case 'raw':
      return { header: auth.value, token: null };
    case 'claims': {
      const token = signJwt(auth.payload, JWT_SECRET, 'HS256');
      return { header: `${auth.scheme}${token}`, token };
    }
    case 'jwt': {
      const claims: Record<string, unknown> = {
        sub: 'fuzz-user',
        companyId: auth.company,
        permissions: auth.permissions,
        iat: now,
      };
      if (auth.expiry === 'valid') claims.exp = now + 3600;
      if (auth.expiry === 'expired') claims.exp = now - 3600;
      const key = auth.key === 'app' ? JWT_SECRET : `${JWT_SECRET}-not`;
      const token = signJwt(JSON.stringify(claims), key, auth.alg);
      return { header: `${auth.scheme}${token}`, token };
    }
  }
}

/** Whether the token is one the app accepts for the company with every permission needed. */
export function isValidAuth(auth: AuthSpec, company: string, permission: string): boolean {
  return (
    auth.kind === 'jwt' &&
    auth.key === 'app' &&
    auth.alg === 'HS256' &&
    auth.expiry !== 'expired' &&
    auth.company === company &&
    auth.permissions.includes(permission)
  );
}
