import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The package's own folder: the nearest one up from this file that holds a package.json. */
function packageRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`nest-webhooks: no package.json above ${from}`);
    dir = up;
  }
  return dir;
}

/**
 * The built operator console and tenant portal (a single-page app: `index.html` and `assets/`),
 * shipped in the package. Every URL in it is relative, so a host serves the folder under any
 * path of its own: `index.html` at `<path>` with `<base href="<path>/">` in its head, the rest of
 * the folder as static files under `<path>/`. The app calls the module's routes under `/api`.
 */
export const WEBHOOKS_CONSOLE_DIR = join(packageRoot(__dirname), 'console');
