import { JwtService } from '@nestjs/jwt';

/** What the service's bearer tokens carry (CONTRACT.md, "Authentication"). */
export interface BearerClaims {
  sub: string;
  companyId: string;
  permissions: string[];
}

/**
 * How late after its `exp` a token is still accepted (clock skew between the issuer and this
 * service): `JwtAuthenticationGuard` verifies with it, `signUntil` signs with it.
 */
export const JWT_CLOCK_TOLERANCE_SECONDS = 5;

/**
 * Signs the service's bearer tokens (HS256 with `AUTH_JWT_SECRET`): `npm run token` and portal
 * sessions. `JwtAuthenticationGuard` verifies them.
 */
export class TokenSigner {
  private readonly jwt: JwtService;

  constructor(secret: string) {
    this.jwt = new JwtService({ secret });
  }

  /** A token valid for `expiresIn` (seconds, or a duration such as `12h`). */
  sign(claims: BearerClaims, expiresIn: number | `${number}${'s' | 'm' | 'h' | 'd'}`): string {
    const { sub, companyId, permissions } = claims;
    return this.jwt.sign({ sub, companyId, permissions }, { algorithm: 'HS256', expiresIn });
  }

  /**
   * A token this service refuses from `expiresAt` on, to the second: its `exp` is that much
   * earlier than `expiresAt` as the verification's clock tolerance allows after it.
   */
  signUntil(claims: BearerClaims, expiresAt: Date): string {
    const { sub, companyId, permissions } = claims;
    const exp = Math.floor(expiresAt.getTime() / 1000) - JWT_CLOCK_TOLERANCE_SECONDS;
    return this.jwt.sign({ sub, companyId, permissions, exp }, { algorithm: 'HS256' });
  }
}
