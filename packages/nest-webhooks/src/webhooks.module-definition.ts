import { ConfigurableModuleBuilder } from '@nestjs/common';
import type {
  WebhooksModuleExtras,
  WebhooksModuleOptions,
} from './interfaces/webhooks-module-options.interface';

export const {
  ConfigurableModuleClass: WebhooksConfigurableModule,
  MODULE_OPTIONS_TOKEN: WEBHOOKS_MODULE_OPTIONS,
  OPTIONS_TYPE: WEBHOOKS_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: WEBHOOKS_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<WebhooksModuleOptions>({ moduleName: 'Webhooks' })
  .setClassMethodName('forRoot')
  .setExtras<WebhooksModuleExtras>({ controllers: true, isGlobal: true }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
  }))
  .build();
