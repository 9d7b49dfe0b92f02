import { Inject, Injectable } from '@nestjs/common';
import { CursorCodec } from 'nest-webhooks/shared';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';

/**
 * The cursors of HR's lists, keyed by the app's secret under a prefix of their own: a cursor
 * issued by another list of the app (HR's or the webhook module's) is refused.
 */
@Injectable()
export class HrCursors extends CursorCodec {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super(`hr-cursor:${config.secretKey}`);
  }
}
