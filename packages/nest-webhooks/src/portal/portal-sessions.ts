import { Inject, Injectable } from '@nestjs/common';
import type { WebhooksPrincipal } from '../auth/principal';
import type {
  PortalTokenClaims,
  WebhooksModuleOptions,
} from '../interfaces/webhooks-module-options.interface';
import { WEBHOOKS_MANAGE_PERMISSION, WEBHOOKS_READ_PERMISSION } from '../webhooks.constants';
import { WebhooksError, WebhooksErrorCode } from '../webhooks.errors';
import { WEBHOOKS_MODULE_OPTIONS } from '../webhooks.module-definition';

export const PORTAL_SESSION_MINUTES = { min: 5, max: 1440, default: 60 } as const;
/** The `sub` of a portal session's token starts with this. */
export const PORTAL_SUBJECT_PREFIX = 'portal';
const MAX_SUBJECT = 255;

export interface PortalSessionOptions {
  /** 5 to 1,440; default 60. */
  expiresInMinutes?: number;
  /** Only `system.webhooks.read` (default false: `system.webhooks.manage`). */
  readOnly?: boolean;
}

/** A link that opens the console signed in for one company, and its token. */
export interface PortalSession {
  /** `<publicUrl><dashboardPath>#token=<token>`. */
  url: string;
  token: string;
  /** The token is refused from this time on. */
  expiresAt: Date;
}

/**
 * Opens portal sessions: a short-lived token for one company carrying the webhook permission
 * (manage or read) and nothing else, and the console link that signs in with it. The host signs
 * the token (`portal.issueToken`); this class decides what it carries and for how long.
 */
@Injectable()
export class PortalSessions {
  constructor(@Inject(WEBHOOKS_MODULE_OPTIONS) private readonly options: WebhooksModuleOptions) {}

  /**
   * A session for the caller's company (a principal: from a request), or for a company named by
   * id (from the host's code). A portal session's own token cannot open another one.
   */
  async create(
    principalOrCompanyId: WebhooksPrincipal | string,
    options: PortalSessionOptions = {},
  ): Promise<PortalSession> {
    const portal = this.options.portal;
    if (!portal) {
      throw new WebhooksError(
        WebhooksErrorCode.PortalNotConfigured,
        'Portal sessions are not configured on this server (the webhooks module has no portal option)',
      );
    }
    const minutes = expiryMinutes(options.expiresInMinutes);
    if (options.readOnly !== undefined && typeof options.readOnly !== 'boolean') {
      throw WebhooksError.invalidField('readOnly', 'readOnly must be a boolean value');
    }
    const claims = portalClaims(principalOrCompanyId, options.readOnly ?? false);
    const nowSeconds = Math.floor(Date.now() / 1000);
    const expiresAt = new Date((nowSeconds + minutes * 60) * 1000);
    const token = await portal.issueToken(claims, expiresAt);
    const base = portal.publicUrl.replace(/\/+$/, '');
    const path = `/${(portal.dashboardPath ?? '/dashboard').replace(/^\/+|\/+$/g, '')}`;
    return { url: `${base}${path}#token=${encodeURIComponent(token)}`, token, expiresAt };
  }
}

/** Whether the principal signed in with a portal session's token. */
export function isPortalPrincipal(principal: WebhooksPrincipal): boolean {
  return (
    principal.sub === PORTAL_SUBJECT_PREFIX || principal.sub.startsWith(`${PORTAL_SUBJECT_PREFIX}:`)
  );
}

function expiryMinutes(value: number | undefined): number {
  if (value === undefined) return PORTAL_SESSION_MINUTES.default;
  const { min, max } = PORTAL_SESSION_MINUTES;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw WebhooksError.invalidField(
      'expiresInMinutes',
      `expiresInMinutes must be an integer from ${min} to ${max}`,
    );
  }
  return value;
}

function portalClaims(
  principalOrCompanyId: WebhooksPrincipal | string,
  readOnly: boolean,
): PortalTokenClaims {
  const permissions = [readOnly ? WEBHOOKS_READ_PERMISSION : WEBHOOKS_MANAGE_PERMISSION];
  if (typeof principalOrCompanyId === 'string') {
    if (principalOrCompanyId.length === 0) {
      throw WebhooksError.invalidField('companyId', 'companyId must not be empty');
    }
    return { sub: PORTAL_SUBJECT_PREFIX, companyId: principalOrCompanyId, permissions };
  }
  if (isPortalPrincipal(principalOrCompanyId)) {
    throw new WebhooksError(
      WebhooksErrorCode.PortalSessionFromPortal,
      'A portal session cannot open another portal session',
    );
  }
  const sub = `${PORTAL_SUBJECT_PREFIX}:${principalOrCompanyId.sub}`.slice(0, MAX_SUBJECT);
  return { sub, companyId: principalOrCompanyId.companyId, permissions };
}
