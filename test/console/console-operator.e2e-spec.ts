import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { MANAGE, PUBLISH } from '../support/constants';
import { contractSignedEvent } from '../support/delivery-harness';
import { eventually } from '../support/receiver';
import {
  ARTIFACTS,
  bundleSize,
  firstRender,
  newPage,
  overflowsHorizontally,
  PHONE,
  screenshot,
  startConsoleWorld,
  type ConsoleWorld,
} from './console-browser';

// The operator console in Debian's Chromium, against the real app on a real database and a real
// receiver on 127.0.0.1: sign in, create a subscription through the form, see a delivery and its
// attempt's headers, a failure, a retry that succeeds; the pages on a phone; the catalog.

const COMPANY = 'console-ops';

describe('the console in a browser: an operator', () => {
  let world: ConsoleWorld;
  let page: Page;
  let problems: () => Promise<string[]>;
  let subscriptionId: string;
  const metrics: Record<string, unknown> = {};

  const manageToken = () => world.t.token(COMPANY, [MANAGE]);

  const publish = async (): Promise<string> => {
    const response = await fetch(`${world.origin}/api/events`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${world.t.token(COMPANY, [PUBLISH])}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify(contractSignedEvent()),
    });
    expect(response.status).toBe(202);
    return ((await response.json()) as { id: string }).id;
  };

  /** Presses the attempts' Refresh until `count` rows show (the list does not poll by itself). */
  const waitForAttemptRows = async (count: number, text?: string): Promise<void> => {
    const rows = page.locator('table.attempts tbody tr');
    await eventually(
      async () => {
        await page.getByRole('button', { name: 'Refresh', exact: true }).click();
        await page
          .getByRole('status')
          .filter({ hasText: 'Loading attempts' })
          .waitFor({ state: 'detached' });
        const shown = text ? rows.filter({ hasText: text }) : rows;
        return (await shown.count()) >= count;
      },
      20_000,
      250,
    );
  };

  beforeAll(async () => {
    world = await startConsoleWorld();
    ({ page, problems } = await newPage(world));
  });
  afterAll(async () => {
    const bundle = bundleSize();
    metrics.bundleGzipBytes = bundle.gzip;
    metrics.bundleFiles = bundle.files;
    writeFileSync(join(ARTIFACTS, 'console-metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
    process.stdout.write(
      `console metrics: ${JSON.stringify({ ...metrics, bundleFiles: undefined })}\n`,
    );
    await world?.close();
  });

  it('signs in with a pasted token, from the keyboard', async () => {
    await page.goto('/dashboard');
    const box = page.getByLabel('Bearer token');
    await box.waitFor();
    await screenshot(page, 'console-sign-in');
    await box.focus();
    await page.keyboard.insertText('not a token');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByText('This is not a JWT').waitFor();
    await box.fill(manageToken());
    await box.focus();
    await page.keyboard.press('Tab');
    await expect(page.evaluate<string | null>('document.activeElement?.textContent')).resolves.toBe(
      'Sign in',
    );
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Subscriptions' }).waitFor();
    await page.getByText('No subscriptions yet').waitFor();
    await expect(page.locator('.who').textContent()).resolves.toContain(COMPANY);
    // Signed in for this tab: a reload stays signed in, and times the first screen.
    await page.reload();
    await page.getByText('No subscriptions yet').waitFor();
    metrics.emptyListFirstRender = await firstRender(page);
  });

  it('creates a subscription through the form', async () => {
    await page.getByRole('link', { name: 'New subscription' }).click();
    await page.getByLabel('Endpoint URL').fill(world.receiver.url('/console'));
    await page.getByLabel('Description').fill('Payroll export');
    await page.getByLabel('contract.signed').check();
    await page.getByLabel('Retries after the first attempt (0 to 20)').fill('0');
    await page.getByRole('button', { name: 'Create subscription' }).click();
    await page.getByText(`Subscription created for ${world.receiver.url('/console')}`).waitFor();
    await expect(page.locator('code.secret').textContent()).resolves.toMatch(/^whsec_/);
    await page.getByRole('link', { name: 'Open the subscription' }).click();
    await page.getByRole('heading', { name: 'Deliveries and attempts' }).waitFor();
    subscriptionId = decodeURIComponent(page.url().split('#/subscriptions/')[1]);
    await expect(page.locator('.url-line').textContent()).resolves.toContain(
      world.receiver.url('/console'),
    );
    await expect(page.locator('.url-line .badge').textContent()).resolves.toBe('active');
  });

  it("shows a published event's delivery, and its attempt's request and response headers", async () => {
    const eventId = await publish();
    await world.receiver.waitFor(1, '/console');
    await waitForAttemptRows(1, 'succeeded');
    await page.getByRole('link', { name: /^Delivery of attempt 1 of contract\.signed/ }).click();
    await page.getByRole('heading', { name: 'Attempts (oldest first)' }).waitFor();
    await expect(page.locator('.facts').first().textContent()).resolves.toContain(eventId);
    const attempt = page.locator('[data-attempt-id]').first();
    await attempt.getByText('HTTP 200').first().waitFor();
    const sent = attempt.locator('.exchange > div').first();
    for (const header of ['webhook-id', 'webhook-signature', 'content-type']) {
      await sent.locator('dt', { hasText: header }).first().waitFor();
    }
    await expect(sent.locator('dd').allTextContents()).resolves.toContain(eventId);
    await screenshot(page, 'console-delivery');
  });

  it('shows a failing receiver, then a retry that succeeds', async () => {
    world.receiver.setDefault({ status: 500, body: '{"error":"payroll is down"}' });
    await page.goto(`/dashboard#/subscriptions/${subscriptionId}`);
    await publish();
    await waitForAttemptRows(1, 'failed');
    await page.getByLabel('Status').selectOption('failed');
    await page.locator('table.attempts tbody tr').first().getByText('HTTP 500').waitFor();
    await screenshot(page, 'console-subscription');
    await page
      .getByRole('link', { name: /^Delivery of attempt 1 of contract\.signed/ })
      .first()
      .click();
    await page.locator('.url-line .badge', { hasText: 'failed' }).waitFor();
    await page.getByText('"error": "payroll is down"').waitFor();
    world.receiver.setDefault({ status: 204 });
    await page.getByRole('button', { name: 'Retry delivery' }).click();
    await page.getByRole('status').filter({ hasText: 'Queued again at' }).waitFor();
    await page.locator('.url-line .badge', { hasText: 'succeeded' }).waitFor({ timeout: 20_000 });
    await page.locator('[data-attempt-id]').nth(1).getByText('HTTP 204').first().waitFor();
    await page.getByText('Attempt #2').waitFor();
  });

  it('recovers the failed deliveries since a time', async () => {
    world.receiver.setDefault({ status: 503 });
    await page.goto(`/dashboard#/subscriptions/${subscriptionId}`);
    await publish();
    await waitForAttemptRows(1, 'HTTP 503');
    world.receiver.setDefault({ status: 200 });
    // The form starts an hour back: this failed delivery is in it (the earlier one succeeded).
    await page.getByRole('button', { name: 'Recover failed' }).click();
    await page.getByRole('status').filter({ hasText: '1 failed delivery queued again.' }).waitFor();
    await page.getByLabel('Status').selectOption('succeeded');
    await page.getByLabel('Event type').selectOption('contract.signed');
    await waitForAttemptRows(3, 'succeeded');
    await expect(
      page.locator('table.attempts tbody tr', { hasText: 'failed' }).count(),
    ).resolves.toBe(0);
  });

  it('lists the subscription with its state, 24-hour stats and chart', async () => {
    await page.goto('/dashboard#/subscriptions');
    const card = page.locator(`[data-subscription-id="${subscriptionId}"]`);
    await card.waitFor();
    await card.locator('.stats').getByText('success').waitFor();
    await page.locator('svg.chart-svg').first().waitFor();
    await screenshot(page, 'console-subscriptions');
    // Pause, then resume, from the list; the test ping's result inline.
    await card.getByRole('button', { name: /^Pause / }).click();
    await card.locator('.badge', { hasText: 'paused' }).waitFor();
    await card.getByRole('button', { name: /^Resume / }).click();
    await card.locator('.badge', { hasText: 'active' }).waitFor();
    await card.getByRole('button', { name: /^Send a test ping/ }).click();
    await card.getByText(/Test ping delivered: HTTP 20\d in/).waitFor();
  });

  it('shows the event catalog with schemas and example payloads', async () => {
    await page.getByRole('link', { name: 'Event catalog' }).click();
    const entry = page.locator('.catalog > li', { hasText: 'contract.signed' }).first();
    await entry.waitFor();
    await entry.getByText('Example payload').click();
    await entry.getByText('"event": "contract.signed"').waitFor();
    await screenshot(page, 'console-catalog');
  });

  it('edits a subscription, reveals and rotates its secret, and deletes it after a confirmation', async () => {
    const response = await fetch(`${world.origin}/api/webhooks`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${manageToken()}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ url: world.receiver.url('/spare'), events: ['training.completed'] }),
    });
    const { id, secret } = (await response.json()) as { id: string; secret: string };
    await page.goto(`/dashboard#/subscriptions/${id}/edit`);
    await page.getByLabel('Description').fill('Training records');
    await page.getByLabel('contract.signed').check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'Deliveries and attempts' }).waitFor();
    await page.getByText('Training records').waitFor();
    await expect(page.locator('.facts').first().textContent()).resolves.toContain(
      'contract.signed',
    );
    await page.getByRole('button', { name: 'Reveal secret' }).click();
    await page.locator('code.secret', { hasText: secret }).waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByText('New signing secret').waitFor();
    await expect(page.locator('code.secret').textContent()).resolves.not.toBe(secret);
    // Refused in words: a URL the API does not take.
    await page.goto(`/dashboard#/subscriptions/${id}/edit`);
    await page.getByLabel('Endpoint URL').fill('ftp://files.example.com/drop');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('alert').filter({ hasText: 'The request was refused (400)' }).waitFor();
    await page.goto('/dashboard#/subscriptions');
    const card = page.locator(`[data-subscription-id="${id}"]`);
    page.once('dialog', (dialog) => void dialog.accept());
    await card.getByRole('button', { name: /^Delete / }).click();
    await card.waitFor({ state: 'detached' });
    const gone = await fetch(`${world.origin}/api/webhooks/${id}`, {
      headers: { Authorization: `Bearer ${manageToken()}` },
    });
    expect(gone.status).toBe(404);
  });

  it('fits a 390-px-wide phone screen', async () => {
    const phone = await newPage(world, PHONE);
    try {
      await phone.page.goto(`/dashboard#token=${manageToken()}`);
      await phone.page.locator(`[data-subscription-id="${subscriptionId}"]`).waitFor();
      metrics.phoneListFirstRender = await firstRender(phone.page);
      expect(await overflowsHorizontally(phone.page)).toBe(false);
      await screenshot(phone.page, 'console-phone-subscriptions');
      await phone.page.goto(`/dashboard#/subscriptions/${subscriptionId}`);
      await phone.page.locator('table.attempts tbody tr').first().waitFor();
      expect(await overflowsHorizontally(phone.page)).toBe(false);
      await screenshot(phone.page, 'console-phone-subscription');
      expect(await phone.problems()).toEqual([]);
    } finally {
      await phone.page.context().close();
    }
  });

  it('broke no Content Security Policy rule and threw no error on the way', async () => {
    expect(await problems()).toEqual([]);
  });
});
