import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type Browser, chromium, type Page } from 'playwright-core';
import { WEBHOOKS_CONSOLE_DIR } from '../../packages/nest-webhooks/src';
import { DELIVERY_ENV } from '../support/constants';
import { TestReceiver } from '../support/receiver';
import { createTestApp, type TestApp } from '../support/test-app';

/** Debian's Chromium (`apt-get install chromium`; `.ci/run` installs it when it is missing). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where the browser tests save their screenshots (git-ignored): look at them. */
export const ARTIFACTS = join(__dirname, '..', 'artifacts');

/** The flags this machine needs: no sandbox as root, no GPU, no call to any Google host. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** The app listening on 127.0.0.1 (PUBLIC_URL its own address), a receiver, and Chromium. */
export interface ConsoleWorld {
  t: TestApp;
  receiver: TestReceiver;
  browser: Browser;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  close(): Promise<void>;
}

export async function startConsoleWorld(): Promise<ConsoleWorld> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const t = await createTestApp({ ...DELIVERY_ENV, PUBLIC_URL: origin });
  await t.app.listen(port, '127.0.0.1');
  const receiver = await TestReceiver.start();
  // Playwright gives each launch a new, empty profile (--user-data-dir) of its own.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
  });
  return {
    t,
    receiver,
    browser,
    origin,
    close: async () => {
      await browser.close();
      await receiver.close();
      await t.close();
    },
  };
}

/**
 * A new page (its own context: empty sessionStorage) of the given size, recording Content
 * Security Policy violations and uncaught errors: a test ends by expecting none.
 */
export async function newPage(
  world: ConsoleWorld,
  viewport = DESKTOP,
): Promise<{ page: Page; problems: () => Promise<string[]> }> {
  const context = await world.browser.newContext({ viewport, baseURL: world.origin });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  // (Scripts run in the page are strings: the tests' TypeScript has no DOM types.)
  await page.addInitScript(`
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      window.cspViolations.push('CSP ' + event.violatedDirective + ' blocked ' + event.blockedURI);
    });`);
  return {
    page,
    problems: async () => [...errors, ...(await page.evaluate<string[]>('window.cspViolations'))],
  };
}

/** Saves a full-page screenshot under test/artifacts/ and answers its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Navigation start to the first screen painted with its data, and to the first contentful paint. */
export async function firstRender(page: Page): Promise<{ firstScreenMs: number; fcpMs: number }> {
  await page.waitForFunction(() => performance.getEntriesByName('console:first-screen').length > 0);
  return page.evaluate(() => ({
    firstScreenMs: Math.round(performance.getEntriesByName('console:first-screen')[0].startTime),
    fcpMs: Math.round(performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1),
  }));
}

/** What the browser downloads for the console: each file's bytes and gzip size. */
export function bundleSize(): {
  files: Record<string, { bytes: number; gzip: number }>;
  gzip: number;
} {
  const files: Record<string, { bytes: number; gzip: number }> = {};
  const walk = (dir: string, prefix = ''): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        walk(join(dir, entry.name), `${prefix}${entry.name}/`);
      } else {
        const bytes = readFileSync(join(dir, entry.name));
        files[`${prefix}${entry.name}`] = {
          bytes: bytes.length,
          gzip: gzipSync(bytes, { level: 9 }).length,
        };
      }
    }
  };
  walk(WEBHOOKS_CONSOLE_DIR);
  const gzip = Object.values(files).reduce((sum, f) => sum + f.gzip, 0);
  return { files, gzip };
}

/** Whether the page is wider than its viewport (a horizontal scroll bar on a phone). */
export async function overflowsHorizontally(page: Page): Promise<boolean> {
  return page.evaluate<boolean>('document.documentElement.scrollWidth > window.innerWidth + 1');
}
