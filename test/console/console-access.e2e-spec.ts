import type { Page } from 'playwright-core';
import { MANAGE } from '../support/constants';
import { newPage, screenshot, startConsoleWorld, type ConsoleWorld } from './console-browser';

// Who sees what in the console: a portal link opens it for its company only, a read-only token
// sees no control that changes anything, an expired link or token goes back to sign-in.

interface PortalSession {
  url: string;
  token: string;
  expiresAt: string;
}

/** Every control that would change something, by its visible name. */
const MUTATING =
  /^(New subscription|Edit|Pause|Resume|Test ping|Delete|Reveal secret|Rotate secret|Retry delivery|Recover failed|Save changes|Create subscription)\b/;

describe('the console in a browser: portal links and permissions', () => {
  let world: ConsoleWorld;
  const subscriptions: Record<string, string> = {};

  const api = async <T>(method: string, path: string, token: string, body?: unknown) => {
    const response = await fetch(`${world.origin}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  };

  const portal = (company: string, body: object) =>
    api<PortalSession>('POST', '/api/portal/sessions', world.t.token(company, [MANAGE]), body);

  /** The names of the buttons and button-like links on the page. */
  const controlNames = async (page: Page): Promise<string[]> => {
    const buttons = await page.getByRole('button').allInnerTexts();
    const links = await page.locator('a.button').allInnerTexts();
    return [...buttons, ...links].map((t) => t.trim());
  };

  beforeAll(async () => {
    world = await startConsoleWorld();
    for (const company of ['acme', 'globex']) {
      const created = await api<{ id: string }>(
        'POST',
        '/api/webhooks',
        world.t.token(company, [MANAGE]),
        {
          url: world.receiver.url(`/${company}`),
          events: ['contract.signed'],
          description: `${company} payroll`,
        },
      );
      subscriptions[company] = created.id;
    }
  });
  afterAll(async () => {
    await world?.close();
  });

  it("opens a portal link signed in, for that company's subscriptions only, the token out of the address bar", async () => {
    const session = await portal('acme', {});
    expect(session.url).toBe(`${world.origin}/dashboard#token=${session.token}`);
    const { page, problems } = await newPage(world);
    await page.goto(session.url);
    await page.locator(`[data-subscription-id="${subscriptions.acme}"]`).waitFor();
    expect(page.url()).toBe(`${world.origin}/dashboard#/subscriptions`);
    expect(page.url()).not.toContain(session.token);
    await expect(page.locator('.cards > li').count()).resolves.toBe(1);
    await expect(page.locator('main').textContent()).resolves.not.toContain('globex');
    await expect(page.locator('.who').textContent()).resolves.toContain('acme');
    // The token stays with the tab (sessionStorage), not in the history.
    await expect(
      page.evaluate<string | null>("sessionStorage.getItem('webhooks-console-token')"),
    ).resolves.toBe(session.token);
    await page.reload();
    await page.locator(`[data-subscription-id="${subscriptions.acme}"]`).waitFor();
    // Another company's subscription, asked for by its id, is not found.
    await page.goto(`/dashboard#/subscriptions/${subscriptions.globex}`);
    await page
      .getByRole('alert')
      .filter({ hasText: 'Not found (or it belongs to another company) (404)' })
      .first()
      .waitFor();
    // Another company's link opened in the same tab: that company's subscriptions only.
    const globex = await portal('globex', {});
    await page.goto(globex.url);
    await page.locator(`[data-subscription-id="${subscriptions.globex}"]`).waitFor();
    await expect(page.locator('.cards > li').count()).resolves.toBe(1);
    await expect(page.locator('.who').textContent()).resolves.toContain('globex');
    expect(page.url()).toBe(`${world.origin}/dashboard#/subscriptions`);
    expect(await problems()).toEqual([]);
    await page.context().close();
  });

  it('shows a read-only link everything but no control that changes anything', async () => {
    const session = await portal('acme', { readOnly: true });
    const { page, problems } = await newPage(world);
    await page.goto(session.url);
    const card = page.locator(`[data-subscription-id="${subscriptions.acme}"]`);
    await card.waitFor();
    await page.locator('.who .badge', { hasText: 'read-only' }).waitFor();
    await card.locator('.stats').waitFor();
    expect((await controlNames(page)).filter((name) => MUTATING.test(name))).toEqual([]);
    await screenshot(page, 'console-read-only');
    await page.goto(`/dashboard#/subscriptions/${subscriptions.acme}`);
    await page.getByRole('heading', { name: 'Deliveries and attempts' }).waitFor();
    await page.getByRole('button', { name: 'Refresh', exact: true }).waitFor();
    expect((await controlNames(page)).filter((name) => MUTATING.test(name))).toEqual([]);
    // The forms that change things are not offered either, even by their address.
    await page.goto(`/dashboard#/subscriptions/${subscriptions.acme}/edit`);
    await page.getByText('Your token is read-only').waitFor();
    expect(await problems()).toEqual([]);
    await page.context().close();
  });

  it('sends an expired portal link back to sign-in, saying so', async () => {
    const session = await portal('acme', { expiresInMinutes: 5 });
    const { page } = await newPage(world);
    // The browser's clock past the link's expiry: the console refuses it before any call.
    await page.clock.setFixedTime(new Date(Date.parse(session.expiresAt) + 60_000));
    await page.goto(session.url);
    await page.getByLabel('Bearer token').waitFor();
    await page.getByRole('alert').filter({ hasText: 'This token expired at' }).waitFor();
    expect(page.url()).not.toContain(session.token);
    await expect(
      page.evaluate<string | null>("sessionStorage.getItem('webhooks-console-token')"),
    ).resolves.toBeNull();
    await screenshot(page, 'console-expired');
    await page.context().close();
  });

  it('sends a token the API refuses as expired back to sign-in, saying so', async () => {
    // Expired 30 s ago (past the API's 5 s of clock tolerance), in a browser whose clock is two
    // minutes behind: the console takes it, the API answers its first call 401, the console
    // signs out and says why.
    const token = world.t.token('acme', [MANAGE], { expiresIn: -30 });
    const { page } = await newPage(world);
    await page.clock.setFixedTime(new Date(Date.now() - 120_000));
    await page.goto(`/dashboard#token=${token}`);
    await page.getByLabel('Bearer token').waitFor();
    await page
      .getByRole('alert')
      .filter({
        hasText:
          'Your token was refused (expired or invalid); sign in again (401): Token has expired',
      })
      .waitFor();
    await expect(
      page.evaluate<string | null>("sessionStorage.getItem('webhooks-console-token')"),
    ).resolves.toBeNull();
    await page.context().close();
  });
});
