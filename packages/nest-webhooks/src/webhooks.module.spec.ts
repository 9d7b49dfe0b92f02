import { type DynamicModule, Global, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { getDataSourceToken, getRepositoryToken } from '@nestjs/typeorm';
import { EventCatalog } from './catalog/event-catalog.service';
import type { EventTypeDefinition } from './interfaces/event-type.interface';
import { EventTypesController } from './catalog/event-types.controller';
import type { WebhooksModuleOptions } from './interfaces/webhooks-module-options.interface';
import type { HostResolver } from './security/url-policy';
import { SubscriptionsController } from './subscriptions/subscriptions.controller';
import { WebhookSubscription } from './entities/webhook-subscription.entity';
import { WEBHOOKS_ENTITIES } from './webhooks.entities';
import { WebhooksModule } from './webhooks.module';
import { WEBHOOKS_MODULE_OPTIONS } from './webhooks.module-definition';
import { WebhooksSettings } from './webhooks-settings';

/** Stands in for the host's TypeORM connection: nothing here touches a database. */
@Global()
@Module({
  providers: [{ provide: getDataSourceToken(), useValue: { isInitialized: false } }],
  exports: [getDataSourceToken()],
})
class FakeDataSourceModule {}

const resolveHost: HostResolver = async () => ['93.184.215.14'];

const options: WebhooksModuleOptions = {
  secretKey: 'unit-test-secret-key-0123456789',
  urlPolicy: { allowHttp: true, allowPrivateUrls: false },
  defaults: { maxRetryCount: 3, retryDelayMs: 1_000 },
  leaseSeconds: 45,
  resolveHost,
};

const payrollRun: EventTypeDefinition = {
  type: 'payroll.run_completed',
  description: 'A payroll run was closed.',
  schema: {
    type: 'object',
    required: ['runId'],
    properties: { runId: { type: 'string' } },
    additionalProperties: false,
  },
};

/** Compiles the given modules with every webhooks repository replaced by a plain object. */
async function compile(...imports: DynamicModule[]): Promise<TestingModule> {
  let builder = Test.createTestingModule({ imports: [FakeDataSourceModule, ...imports] });
  for (const entity of WEBHOOKS_ENTITIES) {
    builder = builder.overrideProvider(getRepositoryToken(entity)).useValue({});
  }
  return builder.compile();
}

describe('WebhooksModule', () => {
  const opened: TestingModule[] = [];
  async function open(...imports: DynamicModule[]): Promise<TestingModule> {
    const moduleRef = await compile(...imports);
    opened.push(moduleRef);
    return moduleRef;
  }

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((m) => m.close()));
  });

  it('overrides the WebhookSubscription repository (the fake reaches the module)', async () => {
    const moduleRef = await open(WebhooksModule.forRoot(options));
    expect(moduleRef.get(getRepositoryToken(WebhookSubscription), { strict: false })).toEqual({});
  });

  describe('forRoot and forRootAsync', () => {
    it('yield the same options and the same settings', async () => {
      const sync = await open(WebhooksModule.forRoot(options));
      const viaFactory = await open(WebhooksModule.forRootAsync({ useFactory: () => options }));

      const syncOptions = sync.get<WebhooksModuleOptions>(WEBHOOKS_MODULE_OPTIONS, {
        strict: false,
      });
      const asyncOptions = viaFactory.get<WebhooksModuleOptions>(WEBHOOKS_MODULE_OPTIONS, {
        strict: false,
      });
      expect(syncOptions).toEqual(options);
      expect(asyncOptions).toEqual(options);
      expect(asyncOptions).toEqual(syncOptions);

      const a = sync.get(WebhooksSettings, { strict: false });
      const b = viaFactory.get(WebhooksSettings, { strict: false });
      expect(a.urlPolicy).toEqual({ allowHttp: true, allowPrivateUrls: false });
      expect(a.defaults).toEqual({
        maxRetryCount: 3,
        retryDelayMs: 1_000,
        retryBackoffMultiplier: 3,
        requestTimeoutMs: 10_000,
      });
      expect(a.leaseSeconds).toBe(45);
      expect(a.resolveHost).toBe(resolveHost);

      expect(b.urlPolicy).toEqual(a.urlPolicy);
      expect(b.defaults).toEqual(a.defaults);
      expect(b.leaseSeconds).toBe(a.leaseSeconds);
      expect(b.resolveHost).toBe(a.resolveHost);
    });

    it('fill in the contract defaults when options leave them out', async () => {
      const moduleRef = await open(
        WebhooksModule.forRootAsync({ useFactory: () => ({ secretKey: options.secretKey }) }),
      );
      const settings = moduleRef.get(WebhooksSettings, { strict: false });
      expect(settings.urlPolicy).toEqual({ allowHttp: false, allowPrivateUrls: false });
      expect(settings.defaults).toEqual({
        maxRetryCount: 10,
        retryDelayMs: 5_000,
        retryBackoffMultiplier: 3,
        requestTimeoutMs: 10_000,
      });
      expect(settings.leaseSeconds).toBe(30);
      expect(settings.preparedStatements).toBe(true);
    });

    it('forRootAsync passes injected values to its factory', async () => {
      const CONFIG = Symbol('HOST_CONFIG');
      @Module({ providers: [{ provide: CONFIG, useValue: { lease: 90 } }], exports: [CONFIG] })
      class HostConfigModule {}

      const moduleRef = await open(
        WebhooksModule.forRootAsync({
          imports: [HostConfigModule],
          inject: [CONFIG],
          useFactory: (config: { lease: number }) => ({ ...options, leaseSeconds: config.lease }),
        }),
      );
      expect(moduleRef.get(WebhooksSettings, { strict: false }).leaseSeconds).toBe(90);
    });
  });

  describe('controllers', () => {
    it('are mounted by default (forRoot and forRootAsync)', () => {
      for (const definition of [
        WebhooksModule.forRoot(options),
        WebhooksModule.forRootAsync({ useFactory: () => options }),
      ]) {
        expect(definition.controllers).toEqual(
          expect.arrayContaining([SubscriptionsController, EventTypesController]),
        );
      }
    });

    it('are left out with controllers: false (forRoot and forRootAsync)', async () => {
      const sync = WebhooksModule.forRoot({ ...options, controllers: false });
      const viaFactory = WebhooksModule.forRootAsync({
        controllers: false,
        useFactory: () => options,
      });
      expect(sync.controllers).toEqual([]);
      expect(viaFactory.controllers).toEqual([]);

      const moduleRef = await open(sync);
      expect(() => moduleRef.get(SubscriptionsController, { strict: false })).toThrow();
      expect(moduleRef.get(EventCatalog, { strict: false })).toBeInstanceOf(EventCatalog);
    });

    it('are instantiated when mounted', async () => {
      const moduleRef = await open(WebhooksModule.forRoot(options));
      expect(moduleRef.get(SubscriptionsController, { strict: false })).toBeInstanceOf(
        SubscriptionsController,
      );
      expect(moduleRef.get(EventTypesController, { strict: false })).toBeInstanceOf(
        EventTypesController,
      );
    });
  });

  describe('forFeature', () => {
    it("registers the feature's event types in the catalog", async () => {
      const without = await open(WebhooksModule.forRoot(options));
      expect(without.get(EventCatalog, { strict: false }).has(payrollRun.type)).toBe(false);

      const moduleRef = await open(
        WebhooksModule.forRoot(options),
        WebhooksModule.forFeature({ eventTypes: [payrollRun] }),
      );
      const catalog = moduleRef.get(EventCatalog, { strict: false });
      expect(catalog.has(payrollRun.type)).toBe(true);
      expect(catalog.list()).toContainEqual(payrollRun);
      expect(catalog.has('webhook.ping')).toBe(true);
      expect(catalog.acceptsFilter('payroll.*')).toBe(true);
      expect(catalog.validateData(payrollRun.type, { runId: 'r1' })).toEqual([]);
      expect(catalog.validateData(payrollRun.type, {})).not.toEqual([]);
    });

    it('works with forRootAsync too', async () => {
      const moduleRef = await open(
        WebhooksModule.forRootAsync({ useFactory: () => options }),
        WebhooksModule.forFeature({ eventTypes: [payrollRun] }),
      );
      expect(moduleRef.get(EventCatalog, { strict: false }).has(payrollRun.type)).toBe(true);
    });

    it('accepts the same type twice with the same schema', async () => {
      const moduleRef = await open(
        WebhooksModule.forRoot(options),
        WebhooksModule.forFeature({ eventTypes: [payrollRun] }),
        WebhooksModule.forFeature({ eventTypes: [{ ...payrollRun }] }),
      );
      const catalog = moduleRef.get(EventCatalog, { strict: false });
      expect(catalog.list().filter((t) => t.type === payrollRun.type)).toHaveLength(1);
    });

    it('refuses the same type twice with a different schema', async () => {
      const conflicting: EventTypeDefinition = {
        ...payrollRun,
        schema: { type: 'object', properties: { runId: { type: 'integer' } } },
      };
      await expect(
        compile(
          WebhooksModule.forRoot(options),
          WebhooksModule.forFeature({ eventTypes: [payrollRun] }),
          WebhooksModule.forFeature({ eventTypes: [conflicting] }),
        ),
      ).rejects.toThrow(/payroll\.run_completed.*different schema/);

      const moduleRef = await open(WebhooksModule.forRoot(options));
      const catalog = moduleRef.get(EventCatalog, { strict: false });
      catalog.register([payrollRun]);
      expect(() => catalog.register([conflicting])).toThrow(/different schema/);
      expect(() =>
        catalog.register([{ type: 'webhook.ping', description: 'x', schema: { type: 'string' } }]),
      ).toThrow(/different schema/);
    });

    it('refuses a type name that is not dotted lower case', async () => {
      await expect(
        compile(
          WebhooksModule.forRoot(options),
          WebhooksModule.forFeature({ eventTypes: [{ ...payrollRun, type: 'PayrollRun' }] }),
        ),
      ).rejects.toThrow(/PayrollRun/);
    });
  });
});
