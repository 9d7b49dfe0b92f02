import { accessOf, decodeToken, isExpired, tokenFromFragment, tokenProblem } from './token';

/** An unsigned JWT with this payload (the console never checks signatures: the API does). */
function jwt(payload: unknown): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}.c2lnbmF0dXJl`;
}

describe('token decoding (display only)', () => {
  const now = new Date('2026-12-02T12:00:00Z');
  const exp = Math.floor(now.getTime() / 1000) + 60;

  it('reads sub, companyId, permissions and exp', () => {
    const claims = decodeToken(
      jwt({
        sub: 'ops',
        companyId: 'Société Générale',
        permissions: ['system.webhooks.read'],
        exp,
      }),
    );
    expect(claims).toEqual({
      sub: 'ops',
      companyId: 'Société Générale',
      permissions: ['system.webhooks.read'],
      expiresAt: new Date(exp * 1000),
    });
  });

  it.each([
    ['', null],
    ['not-a-jwt', null],
    ['a.b', null],
    ['a.!!!.c', null],
    [`x.${Buffer.from('[1,2]').toString('base64url')}.y`, null],
    [`x.${Buffer.from('"text"').toString('base64url')}.y`, null],
  ])('refuses %p', (token, expected) => {
    expect(decodeToken(token)).toBe(expected);
  });

  it('keeps only string permissions, and no exp as no expiry', () => {
    const claims = decodeToken(jwt({ permissions: ['a', 3, null, 'b'] }))!;
    expect(claims.permissions).toEqual(['a', 'b']);
    expect(claims.expiresAt).toBeNull();
    expect(isExpired(claims, now)).toBe(false);
  });

  it.each([
    [['system.webhooks.manage', 'system.webhooks.read'], 'manage'],
    [['system.webhooks.manage'], 'manage'],
    [['system.webhooks.read'], 'read'],
    [['system.events.publish', 'hr.manage'], 'none'],
    [[], 'none'],
  ])('permissions %p give %p access', (permissions, access) => {
    expect(accessOf(decodeToken(jwt({ permissions }))!)).toBe(access);
  });

  it('counts a token expired from its exp second on', () => {
    const at = decodeToken(jwt({ exp: now.getTime() / 1000 }))!;
    expect(isExpired(at, now)).toBe(true);
    expect(isExpired(at, new Date(now.getTime() - 1))).toBe(false);
  });

  it('says in words why a token cannot be used', () => {
    expect(tokenProblem('  ', now)).toMatch(/Paste a token/);
    expect(tokenProblem('abc', now)).toMatch(/not a JWT/);
    expect(
      tokenProblem(jwt({ permissions: ['system.webhooks.manage'], exp: exp - 120 }), now),
    ).toBe('This token expired at 2026-12-02T11:59:00.000Z. Ask for a new link or token.');
    expect(tokenProblem(jwt({ permissions: ['hr.manage'], exp }), now)).toMatch(
      /neither system\.webhooks\.manage nor system\.webhooks\.read/,
    );
    expect(tokenProblem(jwt({ permissions: ['system.webhooks.read'], exp }), now)).toBeNull();
  });

  it.each([
    ['#token=abc.def.ghi', 'abc.def.ghi'],
    ['token=abc.def.ghi', 'abc.def.ghi'],
    ['#foo=1&token=abc.def.ghi', 'abc.def.ghi'],
    ['#token=', null],
    ['#/subscriptions', null],
    ['#/subscriptions?token=abc', null],
    ['', null],
  ])('reads the portal link fragment %p', (fragment, token) => {
    expect(tokenFromFragment(fragment)).toBe(token);
  });
});
