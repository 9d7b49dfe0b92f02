import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Fastify from 'fastify';
import request from 'supertest';
import { WEBHOOKS_CONSOLE_DIR } from '../../packages/nest-webhooks/src';
import { CONSOLE_CONTENT_SECURITY_POLICY, serveConsole } from '../../src/console/serve-console';
import { useAppFixture } from '../support/app-fixture';

/** The console as the service serves it (global setup builds it when it is stale). */
describe('GET /dashboard: the console served by the service', () => {
  const f = useAppFixture();

  it('ships the built console in the package, where WEBHOOKS_CONSOLE_DIR says', () => {
    expect(WEBHOOKS_CONSOLE_DIR).toBe(join(__dirname, '../../packages/nest-webhooks/console'));
    expect(existsSync(join(WEBHOOKS_CONSOLE_DIR, 'index.html'))).toBe(true);
  });

  it.each(['/dashboard', '/dashboard/'])(
    'answers %s with the page, its base the mount path, under a self-only CSP',
    async (path) => {
      const res = await request(f.server).get(path).expect(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['content-security-policy']).toBe(CONSOLE_CONTENT_SECURITY_POLICY);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.text).toContain('<base href="/dashboard/" />');
      // Every script and stylesheet is the console's own, by a relative URL.
      const urls = [...res.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
      expect(urls.length).toBeGreaterThanOrEqual(3);
      for (const url of urls.filter((u) => u !== '/dashboard/')) expect(url).toMatch(/^\.\//);
    },
  );

  it('serves the hashed assets, cached for a year, and nothing outside the folder', async () => {
    const assets = readdirSync(join(WEBHOOKS_CONSOLE_DIR, 'assets'));
    const script = assets.find((a) => a.endsWith('.js'))!;
    const style = assets.find((a) => a.endsWith('.css'))!;
    const js = await request(f.server).get(`/dashboard/assets/${script}`).expect(200);
    expect(js.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.headers['content-security-policy']).toBe(CONSOLE_CONTENT_SECURITY_POLICY);
    const css = await request(f.server).get(`/dashboard/assets/${style}`).expect(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    // No reference to another host in what the browser loads.
    // (XML namespace names of SVG, MathML and XHTML are names, and example.com URLs placeholders:
    // nothing loads them.)
    expect(`${js.text}${css.text}`).not.toMatch(
      /https?:\/\/(?!www\.w3\.org\/|([a-z]+\.)?example\.com\/)[a-z]/i,
    );
    expect(js.text).not.toContain('jsxDEV');
    await request(f.server).get('/dashboard/favicon.svg').expect(200);
    await request(f.server).get('/dashboard/assets/nope.js').expect(404);
    // A way out of the folder is refused (403 from @fastify/static, or 404), its file never sent.
    for (const path of ['/dashboard/../package.json', '/dashboard/%2e%2e/%2e%2e/package.json']) {
      const res = await request(f.server).get(path);
      expect([403, 404]).toContain(res.status);
      expect(res.text).not.toContain('"workspaces"');
    }
  });

  it('leaves the API and Swagger under their own headers', async () => {
    const res = await request(f.server).get('/health').expect(200);
    expect(res.headers['content-security-policy']).not.toBe(CONSOLE_CONTENT_SECURITY_POLICY);
  });

  it('mounts under any path of a host: its base and its assets follow the path', async () => {
    const host = Fastify();
    serveConsole(host, { dir: WEBHOOKS_CONSOLE_DIR, path: '/ops/webhooks' });
    await host.ready();
    try {
      const page = await host.inject({ method: 'GET', url: '/ops/webhooks' });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<base href="/ops/webhooks/" />');
      const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(page.body)![1];
      const asset = await host.inject({ method: 'GET', url: `/ops/webhooks/${script}` });
      expect(asset.statusCode).toBe(200);
      expect(asset.headers['content-security-policy']).toBe(CONSOLE_CONTENT_SECURITY_POLICY);
    } finally {
      await host.close();
    }
  });

  it('answers 503 saying how to build it when the console was not built', async () => {
    const host = Fastify();
    serveConsole(host, { dir: join(__dirname, 'no-such-folder'), path: '/dashboard' });
    await host.ready();
    try {
      const page = await host.inject({ method: 'GET', url: '/dashboard' });
      expect(page.statusCode).toBe(503);
      expect(page.body).toContain('npm run build');
    } finally {
      await host.close();
    }
  });
});
