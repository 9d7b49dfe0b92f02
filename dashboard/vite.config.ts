import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * The operator console and tenant portal (served at /dashboard by the service). Built into the
 * nest-webhooks package (`packages/nest-webhooks/console/`, exported as WEBHOOKS_CONSOLE_DIR) so
 * that any host embedding the module can serve it under a path of its own: every asset URL is
 * relative (`base: './'`), and the host's index.html carries a <base href> (src/console/).
 */
export default defineConfig({
  root: here,
  base: './',
  publicDir: 'public',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact', jsxDev: false },
  build: {
    outDir: fileURLToPath(new URL('../packages/nest-webhooks/console', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // One script and one stylesheet: no inline scripts, so the page runs under `script-src 'self'`.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: true,
  },
});
