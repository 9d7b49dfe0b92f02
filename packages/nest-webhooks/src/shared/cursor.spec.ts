import { CursorCodec, type PagePosition } from './cursor';

const position: PagePosition = {
  createdAt: new Date('2026-01-02T03:04:05.678Z'),
  id: '0b6f3c1e-3f5a-4c0d-9f4e-7a2b1c3d4e5f',
};
const SCOPE = 'subscriptions:acme';

/** Replaces the character at `index` of `text` with a different base64url character. */
function changeCharAt(text: string, index: number): string {
  const replacement = text[index] === 'A' ? 'B' : 'A';
  return text.slice(0, index) + replacement + text.slice(index + 1);
}

describe('CursorCodec', () => {
  const codec = new CursorCodec('cursor:unit-test-secret-key');

  it('decodes what it encoded (round trip)', () => {
    const cursor = codec.encode(position, SCOPE);
    expect(codec.decode(cursor, SCOPE)).toEqual(position);
  });

  it('gives an opaque URL-safe string', () => {
    const cursor = codec.encode(position, SCOPE);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain(position.id);
  });

  it('keeps the millisecond of the position', () => {
    const decoded = codec.decode(codec.encode(position, SCOPE), SCOPE);
    expect(decoded?.createdAt.getTime()).toBe(position.createdAt.getTime());
  });

  it('decodes with another codec built from the same key', () => {
    const cursor = codec.encode(position, SCOPE);
    expect(new CursorCodec('cursor:unit-test-secret-key').decode(cursor, SCOPE)).toEqual(position);
  });

  it('refuses a cursor issued for another scope (another company or list)', () => {
    const cursor = codec.encode(position, SCOPE);
    expect(codec.decode(cursor, 'subscriptions:globex')).toBeNull();
    expect(codec.decode(cursor, 'logs:acme')).toBeNull();
    expect(codec.decode(cursor, '')).toBeNull();
  });

  it('refuses a cursor issued with another key', () => {
    const cursor = new CursorCodec('cursor:another-key').encode(position, SCOPE);
    expect(codec.decode(cursor, SCOPE)).toBeNull();
  });

  it('refuses a cursor whose position was changed', () => {
    const cursor = codec.encode(position, SCOPE);
    const [, mac] = cursor.split('.');
    const forged = Buffer.from(JSON.stringify(['2030-01-01T00:00:00.000Z', position.id])).toString(
      'base64url',
    );
    expect(codec.decode(`${forged}.${mac}`, SCOPE)).toBeNull();
    expect(codec.decode(changeCharAt(cursor, 3), SCOPE)).toBeNull();
  });

  it('refuses a cursor whose MAC was changed or cut', () => {
    const cursor = codec.encode(position, SCOPE);
    const dot = cursor.indexOf('.');
    expect(codec.decode(changeCharAt(cursor, dot + 3), SCOPE)).toBeNull();
    expect(codec.decode(cursor.slice(0, -1), SCOPE)).toBeNull();
    expect(codec.decode(cursor.slice(0, dot), SCOPE)).toBeNull();
    expect(codec.decode(cursor.slice(0, dot + 1), SCOPE)).toBeNull();
  });

  it.each<[string, (cursor: string) => string]>([
    ['a third dot-separated part', (c) => `${c}.extra`],
    ['a trailing dot', (c) => `${c}.`],
    ['a character outside base64url before it', (c) => `!${c}`],
    ['a character outside base64url in its body', (c) => c.replace('.', '!.')],
    ['padding in its body', (c) => c.replace('.', '=.')],
  ])('refuses a cursor with %s (not issued by the API)', (_name, change) => {
    const cursor = codec.encode(position, SCOPE);
    expect(change(cursor)).not.toBe(cursor);
    expect(codec.decode(change(cursor), SCOPE)).toBeNull();
  });

  it.each([
    '',
    '.',
    '..',
    'garbage',
    'not.a-cursor',
    '%%%.%%%',
    'eyJhIjoxfQ.abc',
    '{"createdAt":"2026-01-01","id":"x"}',
  ])('refuses garbage %j', (cursor) => {
    expect(codec.decode(cursor, SCOPE)).toBeNull();
  });

  it('refuses an overlong cursor', () => {
    expect(codec.decode(`${'a'.repeat(600)}.${'b'.repeat(43)}`, SCOPE)).toBeNull();
    const long = codec.encode({ createdAt: position.createdAt, id: 'x'.repeat(600) }, SCOPE);
    expect(long.length).toBeGreaterThan(512);
    expect(codec.decode(long, SCOPE)).toBeNull();
    expect(codec.decode('a'.repeat(100_000), SCOPE)).toBeNull();
  });
});
