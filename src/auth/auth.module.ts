import { Module } from '@nestjs/common';
import { createSecretKey } from 'node:crypto';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { ThrottlerModule } from '@nestjs/throttler';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { CompanyThrottlerGuard } from './company-throttler.guard';
import { JwtAuthenticationGuard } from './jwt-authentication.guard';
import { JWT_CLOCK_TOLERANCE_SECONDS } from './token-signer';

/** Bearer JWT authentication and the API rate limit, both global (in this order). */
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        // A prepared key object: with a plain string, jsonwebtoken first tries (and fails) to
        // parse it as a PEM public key on every verification, about 0.5 ms a request.
        const key = createSecretKey(Buffer.from(config.jwtSecret, 'utf8'));
        return {
          secretOrKeyProvider: () => key,
          signOptions: { algorithm: 'HS256' },
          verifyOptions: { algorithms: ['HS256'], clockTolerance: JWT_CLOCK_TOLERANCE_SECONDS },
        };
      },
    }),
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        throttlers: [{ name: 'default', ttl: 60_000, limit: Math.max(config.apiRateLimit, 1) }],
        skipIf: (context) => {
          if (config.apiRateLimit === 0) return true;
          const url = context.switchToHttp().getRequest<{ url?: string }>().url ?? '';
          return !url.startsWith('/api/');
        },
      }),
    }),
  ],
  providers: [
    { provide: APP_GUARD, useClass: JwtAuthenticationGuard },
    { provide: APP_GUARD, useClass: CompanyThrottlerGuard },
  ],
  exports: [JwtModule],
})
export class AuthModule {}
