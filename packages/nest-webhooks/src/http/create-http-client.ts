import { HttpService } from '@nestjs/axios';
import type { WebhookHttpClient } from '../interfaces/webhook-http-client.interface';
import type { HostResolver } from '../security/url-policy';
import { AxiosWebhookHttpClient } from './axios-http-client';
import { UndiciWebhookHttpClient } from './undici-http-client';

/** The delivery transport the module options ask for (undici unless told otherwise). */
export function createHttpClient(
  choice: 'undici' | 'axios' | WebhookHttpClient | undefined,
  resolver: HostResolver,
): WebhookHttpClient {
  if (choice === undefined || choice === 'undici') return new UndiciWebhookHttpClient(resolver);
  if (choice === 'axios') return new AxiosWebhookHttpClient(new HttpService(), resolver);
  return choice;
}
