import type { PagePosition } from '../../../packages/nest-webhooks/src/shared/cursor';
import { loadConfig } from '../../config/app-config';
import { WebhooksSettings } from '../../../packages/nest-webhooks/src/webhooks-settings';
import { HrCursors } from './hr-cursors';

const position: PagePosition = {
  createdAt: new Date('2026-01-02T03:04:05.678Z'),
  id: '0b6f3c1e-3f5a-4c0d-9f4e-7a2b1c3d4e5f',
};
const SCOPE = 'hr_candidates:acme';

describe('HrCursors', () => {
  const config = loadConfig({ NODE_ENV: 'test' });
  const cursors = new HrCursors(config);

  it('decodes what it encoded, for the same list only', () => {
    const cursor = cursors.encode(position, SCOPE);
    expect(cursors.decode(cursor, SCOPE)).toEqual(position);
    expect(new HrCursors(config).decode(cursor, SCOPE)).toEqual(position);
    expect(cursors.decode(cursor, 'hr_candidates:globex')).toBeNull();
  });

  it("refuses the webhook module's cursors, made from the same secret, and they refuse its own", () => {
    const webhooks = new WebhooksSettings({ secretKey: config.secretKey }).cursors;
    expect(cursors.decode(webhooks.encode(position, SCOPE), SCOPE)).toBeNull();
    expect(webhooks.decode(cursors.encode(position, SCOPE), SCOPE)).toBeNull();
  });
});
