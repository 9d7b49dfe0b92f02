import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';

/** Counts requests per company once authenticated, per client address before. */
@Injectable()
export class CompanyThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    const user = request.user as { companyId?: string } | undefined;
    if (user?.companyId) return `company:${user.companyId}`;
    return `ip:${typeof request.ip === 'string' ? request.ip : 'unknown'}`;
  }
}
