import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What the console's pages may load: their own origin only (scripts, styles, images, API calls),
 * no inline script or style, no plugin, no framing.
 */
export const CONSOLE_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export interface ConsoleMount {
  /** The built console (WEBHOOKS_CONSOLE_DIR of the nest-webhooks package). */
  dir: string;
  /** Where it is served, without a trailing slash: `/dashboard`. */
  path: string;
}

/**
 * Serves the console: `GET <path>` (and `<path>/`) answers its index.html with a `<base href>` of
 * the mount path, so that its relative asset URLs resolve under it; `<path>/*` the built files
 * (hashed names under `assets/`, cached for a year). A console that was not built answers 503
 * saying how to build it.
 */
export function serveConsole(fastify: FastifyInstance, mount: ConsoleMount): void {
  const indexFile = join(mount.dir, 'index.html');
  if (!existsSync(indexFile)) {
    fastify.get(mount.path, (_request, reply) => {
      void reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The console is not built: run `npm run build` (or `npm run build:console`).\n');
    });
    return;
  }
  const index = readFileSync(indexFile, 'utf8').replace(
    /<head>/i,
    `<head>\n    <base href="${escapeAttribute(`${mount.path}/`)}" />`,
  );
  fastify.get(mount.path, (_request, reply) => {
    consoleHeaders(reply, 'no-cache');
    void reply.type('text/html; charset=utf-8').send(index);
  });
  void fastify.register(fastifyStatic, {
    root: mount.dir,
    prefix: `${mount.path}/`,
    index: false,
    wildcard: true,
    decorateReply: false,
    cacheControl: false,
    setHeaders: (reply, path) => {
      const hashed = path.includes('/assets/');
      consoleHeaders(reply, hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
}

function consoleHeaders(reply: FastifyReply, cacheControl: string): void {
  void reply
    .header('Content-Security-Policy', CONSOLE_CONTENT_SECURITY_POLICY)
    .header('Cache-Control', cacheControl);
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
