import { Controller, Get, HttpException, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { HealthCheckResult, HealthIndicatorResult } from '@nestjs/terminus';

/** How long one database ping answers every health check (a burst of probes makes one ping). */
export const DATABASE_PING_TTL_MS = 1_000;

@ApiTags('operations')
@Controller('health')
export class HealthController {
  private lastPing: { at: number; result: Promise<HealthIndicatorResult> } | null = null;

  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
  ) {}

  /**
   * Liveness and database reachability; no authentication. 503 when the database is down. The
   * database is pinged at most once a second: probes in between share the last ping's answer.
   */
  @Get()
  @HealthCheck()
  async check(
    @Res({ passthrough: true }) res: { status(code: number): unknown },
  ): Promise<HealthCheckResult> {
    try {
      return await this.health.check([() => this.ping()]);
    } catch (error) {
      // A failed check answers its report (what is down) with 503, not the API's error shape.
      if (!(error instanceof HttpException)) throw error;
      res.status(error.getStatus());
      return error.getResponse() as HealthCheckResult;
    }
  }

  private ping(): Promise<HealthIndicatorResult> {
    const now = Date.now();
    let ping = this.lastPing;
    if (!ping || now - ping.at >= DATABASE_PING_TTL_MS) {
      const result = Promise.resolve(this.database.pingCheck('database', { timeout: 3000 }));
      ping = this.lastPing = { at: now, result };
    }
    return ping.result;
  }
}
