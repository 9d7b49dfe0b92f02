import { type ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';

/**
 * One budget per company (per client address before authentication) across every /api route:
 * the default key would also include the route, giving a budget per route.
 */
@Injectable()
export class CompanyThrottlerGuard extends ThrottlerGuard {
  protected override generateKey(
    _context: ExecutionContext,
    tracker: string,
    name: string,
  ): string {
    return `${name}:${tracker}`;
  }

  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    const user = request.user as { companyId?: string } | undefined;
    if (user?.companyId) return `company:${user.companyId}`;
    return `ip:${typeof request.ip === 'string' ? request.ip : 'unknown'}`;
  }
}
