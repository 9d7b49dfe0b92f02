import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { request as httpRequest } from 'node:http';
import request from 'supertest';
import { ALL_PERMISSIONS } from '../support/constants';
import { useAppFixture } from '../support/app-fixture';

/** The raw bytes the server answers to `bytes` on a new connection, until it closes it. */
function exchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
  });
}

/** POSTs `body` in `parts` chunks with `Transfer-Encoding: chunked` (no Content-Length). */
function postChunked(
  port: number,
  path: string,
  headers: Record<string, string>,
  body: string,
  parts = 4,
): Promise<{ status: number; body: { code?: string; message?: string[] } }> {
  return new Promise((resolve, reject) => {
    const out = httpRequest(
      { host: '127.0.0.1', port, method: 'POST', path, headers: { ...headers }, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    out.on('error', reject);
    const size = Math.ceil(body.length / parts);
    for (let i = 0; i < body.length; i += size) out.write(body.slice(i, i + size));
    out.end();
  });
}

// What the HTTP server itself does before any route: routing as on Express, body limits told
// whichever way the body is framed, and bytes that are not HTTP answered as Node answers them.
describe('the HTTP server', () => {
  const f = useAppFixture({ permissions: ALL_PERMISSIONS });
  const company = 'http-server';
  const port = (): number => {
    const server = f.t.app.getHttpServer() as { address(): AddressInfo | null; listening: boolean };
    return server.address()!.port;
  };

  beforeAll(async () => {
    await f.t.app.listen(0, '127.0.0.1');
  });

  it('routes whatever the case and with a trailing slash, as Express did', async () => {
    const res = await request(f.server).get('/API/Webhooks/').set(f.auth(company));
    expect(res.status).toBe(200);
    expect(Array.isArray((res.body as { items: unknown[] }).items)).toBe(true);
  });

  it('takes the +json media types (application/cloudevents+json...) as JSON', async () => {
    const res = await request(f.server)
      .post('/api/events')
      .set(f.auth(company))
      .set('content-type', 'application/vnd.api+json; charset=utf-8')
      .send(JSON.stringify({ type: 'contract.signed', data: {} }));
    // Parsed: the catalog's schema answers, not the body parser.
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_FIELD', field: 'data' });
  });

  it('refuses a chunked body over 256 KiB with 413 once it is read, and stores nothing', async () => {
    const body = JSON.stringify({ type: 'contract.signed', data: { pad: 'x'.repeat(300_000) } });
    const res = await postChunked(
      port(),
      '/api/events',
      { 'Content-Type': 'application/json', ...f.auth(company) },
      body,
    );
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      message: ['body must be at most 256 KiB'],
    });
    const [{ count }] = await f.t.dataSource.query<{ count: string }[]>(
      `SELECT count(*) FROM webhook_events WHERE company_id = $1`,
      [company],
    );
    expect(Number(count)).toBe(0);
  });

  it('reads a chunked batch up to its own 5 MiB limit, and refuses one beyond it', async () => {
    const events = Array.from({ length: 3 }, () => ({
      type: 'contract.signed',
      data: { pad: 'x'.repeat(200_000) },
    }));
    const withinLimit = await postChunked(
      port(),
      '/api/events/batch',
      { 'Content-Type': 'application/json', ...f.auth(company) },
      JSON.stringify({ events }),
    );
    // Read and parsed (600 KB): refused by the catalog's schema, not for its size.
    expect(withinLimit.status).toBe(400);
    expect(withinLimit.body.message?.[0]).toMatch(/^events\.0\.data does not match/);
    const beyond = await postChunked(
      port(),
      '/api/events/batch',
      { 'Content-Type': 'application/json', ...f.auth(company) },
      JSON.stringify({ events: [{ type: 'contract.signed', data: { pad: 'x'.repeat(6e6) } }] }),
    );
    expect(beyond.status).toBe(413);
    expect(beyond.body.message).toEqual(['body must be at most 5 MiB']);
  });

  it('answers bytes that are not HTTP with 400 and closes the connection', async () => {
    const answer = await exchange(port(), 'HELLO\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(answer).toMatch(/\r\nConnection: close\r\n/);
  });

  it('answers a request followed by stray bytes once, and with no body after HEAD', async () => {
    // The stray byte after a HEAD: one answer, never a body a HEAD client would read as garbage.
    const head = await exchange(port(), 'HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n\u0000');
    const statusLines = head.match(/HTTP\/1\.1 \d{3}/g) ?? [];
    expect(statusLines).toHaveLength(1);
    expect(head.endsWith('\r\n\r\n')).toBe(true);
    // Headers over Node's limit: 431, no body either.
    const huge = await exchange(
      port(),
      `HEAD /health HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(huge).toBe(
      'HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\nContent-Length: 0\r\n\r\n',
    );
  });
});
