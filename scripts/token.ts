/**
 * Prints a bearer token signed with the configured AUTH_JWT_SECRET (or the dev key):
 *   npm run token -- --company acme --permissions system.webhooks.manage,hr.manage [--sub alice] [--expires 1h]
 */
import { parseArgs } from 'node:util';
import { TokenSigner } from '../src/auth/token-signer';
import { loadConfig } from '../src/config/app-config';

const { values } = parseArgs({
  options: {
    company: { type: 'string' },
    permissions: { type: 'string', default: '' },
    sub: { type: 'string', default: 'cli' },
    expires: { type: 'string', default: '12h' },
  },
});
if (!values.company) {
  process.stderr.write(
    'usage: npm run token -- --company <id> --permissions a,b [--sub s] [--expires 1h]\n',
  );
  process.exit(2);
}
const config = loadConfig();
const token = new TokenSigner(config.jwtSecret).sign(
  {
    sub: values.sub,
    companyId: values.company,
    permissions: values.permissions
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
  },
  values.expires as `${number}h`,
);
process.stdout.write(`${token}\n`);
