import { createHmac, timingSafeEqual } from 'node:crypto';

/** Position after the last item of a page, newest-first order: (createdAt, id) descending. */
export interface PagePosition {
  createdAt: Date;
  id: string;
}

/**
 * Opaque, tamper-proof list cursors: base64url JSON of the position plus an HMAC, so a cursor
 * the API did not issue is refused (400) instead of silently paging from somewhere else.
 */
export class CursorCodec {
  constructor(private readonly key: string) {}

  encode(position: PagePosition, scope: string): string {
    const body = Buffer.from(JSON.stringify([position.createdAt.toISOString(), position.id]));
    return `${body.toString('base64url')}.${this.mac(body, scope)}`;
  }

  /** The position, or null when the cursor was not issued by `encode` for this scope. */
  decode(cursor: string, scope: string): PagePosition | null {
    if (cursor.length > 512 || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(cursor)) return null;
    const [encoded, mac] = cursor.split('.');
    if (!encoded || !mac) return null;
    const body = Buffer.from(encoded, 'base64url');
    const expected = Buffer.from(this.mac(body, scope));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    try {
      const [createdAt, id] = JSON.parse(body.toString('utf8')) as [string, string];
      const date = new Date(createdAt);
      if (Number.isNaN(date.getTime()) || typeof id !== 'string') return null;
      return { createdAt: date, id };
    } catch {
      return null;
    }
  }

  private mac(body: Buffer, scope: string): string {
    return createHmac('sha256', this.key)
      .update(scope)
      .update('\0')
      .update(body)
      .digest('base64url');
  }
}
