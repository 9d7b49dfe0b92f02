import type { App } from 'supertest/types';
import type { AppModuleOverrides } from '../../src/app.module';
import { DELIVERY_ENV } from './constants';
import { TestReceiver } from './receiver';
import { createTestApp, type TestApp } from './test-app';

/** The Authorization header of a bearer token of `t` for the company with these permissions. */
export function bearerAuth(
  t: TestApp,
  company: string,
  permissions: string[],
): { Authorization: string } {
  return { Authorization: `Bearer ${t.token(company, permissions)}` };
}

export interface AppFixtureOptions {
  /** The app's environment (default DELIVERY_ENV: it may deliver to the receiver). */
  env?: Record<string, string>;
  overrides?: AppModuleOverrides;
  /** The permissions `auth` grants when it is not told which (default none). */
  permissions?: string[];
}

/** An app on its own database and a receiver, for the `describe` that called `useAppFixture`. */
export interface AppFixture {
  /** The running app (set in beforeAll). A test that closes it itself sets it to undefined. */
  t: TestApp;
  /** The webhook receiver (set in beforeAll). */
  readonly receiver: TestReceiver;
  /** The app's HTTP server (once the app is set). */
  readonly server: App;
  /** The Authorization header of a token for the company (default: the fixture's permissions). */
  auth(company: string, permissions?: string[]): { Authorization: string };
}

/**
 * Call at the top of a `describe`: registers the beforeAll that starts the app (createTestApp with
 * `env` and `overrides`) and then the receiver, and the afterAll that closes both, and answers the
 * fixture that reads them. Its members may be destructured; `t`, `receiver` and `server` are read
 * once the tests run.
 */
export function useAppFixture({
  env = DELIVERY_ENV,
  overrides = {},
  permissions = [],
}: AppFixtureOptions = {}): AppFixture {
  let t: TestApp | undefined;
  let receiver: TestReceiver | undefined;
  const running = (): TestApp => {
    if (!t) throw new Error('the app is not running: use the fixture inside a test');
    return t;
  };

  beforeAll(async () => {
    t = await createTestApp(env, overrides);
    receiver = await TestReceiver.start();
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  return {
    get t(): TestApp {
      return t as TestApp;
    },
    set t(app: TestApp) {
      t = app;
    },
    get receiver(): TestReceiver {
      return receiver as TestReceiver;
    },
    get server(): App {
      return running().app.getHttpServer() as App;
    },
    auth: (company, granted = permissions) => bearerAuth(running(), company, granted),
  };
}
