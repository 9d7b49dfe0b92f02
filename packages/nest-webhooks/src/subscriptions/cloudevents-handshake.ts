import { Inject, Injectable } from '@nestjs/common';
import type { WebhookHttpClient } from '../interfaces/webhook-http-client.interface';
import { WEBHOOK_HTTP_CLIENT } from '../webhooks.constants';
import { WebhooksError, WebhooksErrorCode } from '../webhooks.errors';
import { WebhooksSettings } from '../webhooks-settings';

/** What a subscription's `handshake` may be. */
export const HANDSHAKES = ['none', 'cloudevents'] as const;
export type Handshake = (typeof HANDSHAKES)[number];

/** A granted handshake: the requests a minute the endpoint allows, when it said (not `*`). */
export interface HandshakeGrant {
  allowedRatePerMinute: number | null;
}

/**
 * The CloudEvents webhook validation handshake (the CloudEvents HTTP webhook spec, section 4):
 * `OPTIONS <url>` with `WebHook-Request-Origin` (the host name of the module's public URL) and,
 * when the subscription has a rate, `WebHook-Request-Rate`, sent through the deliveries' HTTP
 * client (the address pinned and checked by the URL policy, no redirect followed, the
 * subscription's timeout). Granted by a 2xx whose `WebHook-Allowed-Origin` is that origin or `*`;
 * anything else is a `422` that says what the endpoint answered.
 */
@Injectable()
export class CloudEventsHandshake {
  constructor(
    private readonly settings: WebhooksSettings,
    @Inject(WEBHOOK_HTTP_CLIENT) private readonly http: WebhookHttpClient,
  ) {}

  async validate(
    url: string,
    options: { timeoutMs: number; requestRatePerMinute?: number | null },
  ): Promise<HandshakeGrant> {
    const origin = this.settings.handshakeOrigin;
    if (!origin) {
      throw WebhooksError.invalidField(
        'handshake',
        'handshake "cloudevents" needs the public URL of this service (PUBLIC_URL, module option publicUrl)',
      );
    }
    const headers: Record<string, string> = {
      'WebHook-Request-Origin': origin,
      'user-agent': this.settings.userAgent,
    };
    if (options.requestRatePerMinute) {
      headers['WebHook-Request-Rate'] = String(options.requestRatePerMinute);
    }
    const answer = await this.http.send({
      method: 'OPTIONS',
      url,
      headers,
      body: Buffer.alloc(0),
      timeoutMs: options.timeoutMs,
      allowPrivateAddresses: this.settings.urlPolicy.allowPrivateUrls,
    });
    const refuse = (why: string): never => {
      throw new WebhooksError(
        WebhooksErrorCode.HandshakeRefused,
        `the CloudEvents handshake with ${url} was not granted: ${why}`,
        'url',
      );
    };
    const status = answer.statusCode;
    if (status === null) return refuse(answer.error ?? 'no answer');
    if (status >= 300 && status < 400) {
      return refuse(`it answered ${status} (redirects are not followed)`);
    }
    if (status < 200 || status >= 300) return refuse(`it answered ${status}`);
    const allowed = answer.headers['webhook-allowed-origin'];
    if (allowed === undefined) {
      return refuse(`it answered ${status} without WebHook-Allowed-Origin`);
    }
    if (allowed.trim() !== '*' && allowed.trim().toLowerCase() !== origin.toLowerCase()) {
      return refuse(`WebHook-Allowed-Origin is "${allowed}", not "${origin}" or "*"`);
    }
    const rate = Number(answer.headers['webhook-allowed-rate']);
    return { allowedRatePerMinute: Number.isInteger(rate) && rate > 0 ? rate : null };
  }
}
