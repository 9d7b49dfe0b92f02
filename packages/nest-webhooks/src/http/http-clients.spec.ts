import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { HttpService } from '@nestjs/axios';
import axios from 'axios';
import type {
  WebhookHttpClient,
  WebhookHttpRequest,
} from '../interfaces/webhook-http-client.interface';
import type { HostResolver } from '../security/url-policy';
import { AxiosWebhookHttpClient } from './axios-http-client';
import { UndiciWebhookHttpClient } from './undici-http-client';

/** `rebind.test` -> 127.0.0.1 (a name that "rebinds" to loopback); anything else: NXDOMAIN. */
const testResolver: HostResolver = async (hostname) => {
  if (hostname === 'rebind.test') {
    return ['127.0.0.1'];
  }
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
};

interface TestServer {
  port: number;
  url: string;
  /** TCP connections accepted. */
  connections: number;
  /** HTTP requests received (paths). */
  requests: string[];
  close(): Promise<void>;
}

const openServers = new Set<TestServer>();

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

async function startHttpServer(
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void,
): Promise<TestServer> {
  const server = http.createServer((req, res) => {
    state.requests.push(req.url ?? '');
    handler(req, res);
  });
  const state: TestServer = {
    port: 0,
    url: '',
    connections: 0,
    requests: [],
    close: async () => {
      openServers.delete(state);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  server.on('connection', () => {
    state.connections += 1;
  });
  state.port = await listen(server);
  state.url = `http://127.0.0.1:${state.port}`;
  openServers.add(state);
  return state;
}

async function startTcpServer(onSocket: (socket: net.Socket) => void): Promise<TestServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    state.connections += 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    onSocket(socket);
  });
  const state: TestServer = {
    port: 0,
    url: '',
    connections: 0,
    requests: [],
    close: async () => {
      openServers.delete(state);
      for (const socket of sockets) {
        socket.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  state.port = await listen(server);
  state.url = `http://127.0.0.1:${state.port}`;
  openServers.add(state);
  return state;
}

/** Writes `chunk` every `intervalMs` (up to `maxChunks`) until the client goes away. */
function trickle(
  res: http.ServerResponse,
  chunk: Buffer,
  intervalMs: number,
  maxChunks: number,
): void {
  let sent = 0;
  const timer = setInterval(() => {
    if (res.destroyed || res.writableEnded || sent >= maxChunks) {
      clearInterval(timer);
      if (!res.writableEnded && !res.destroyed) {
        res.end();
      }
      return;
    }
    sent += 1;
    res.write(chunk);
  }, intervalMs);
  res.on('close', () => clearInterval(timer));
}

function post(url: string, overrides: Partial<WebhookHttpRequest> = {}): WebhookHttpRequest {
  return {
    url,
    headers: { 'Content-Type': 'application/json', 'User-Agent': 'webhooks-test/1.0' },
    body: Buffer.from('{"hello":"world"}'),
    timeoutMs: 5000,
    allowPrivateAddresses: true,
    ...overrides,
  };
}

afterAll(async () => {
  await Promise.all([...openServers].map((server) => server.close()));
});

describe.each([
  ['undici', (): WebhookHttpClient => new UndiciWebhookHttpClient(testResolver)],
  // HttpService() wraps axios' default instance (@nestjs/axios's ESM typings of axios differ
  // from the CommonJS ones this file sees, so an instance is not passed to it here).
  [
    'axios (HttpService)',
    (): WebhookHttpClient => new AxiosWebhookHttpClient(new HttpService(), testResolver),
  ],
  [
    'axios (instance)',
    (): WebhookHttpClient => new AxiosWebhookHttpClient(axios.create(), testResolver),
  ],
])('%s WebhookHttpClient', (_name, createClient) => {
  let client: WebhookHttpClient;

  beforeAll(() => {
    client = createClient();
  });

  afterAll(async () => {
    await client.close();
  });

  it('returns status, body, lower-cased headers and a duration for a 200', async () => {
    const server = await startHttpServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain', 'X-Receiver-Id': 'Abc' });
      res.end('thanks');
    });

    const response = await client.send(post(`${server.url}/hook`));

    expect(response).toMatchObject({ statusCode: 200, body: 'thanks', error: null });
    expect(response.headers['content-type']).toBe('text/plain');
    expect(response.headers['x-receiver-id']).toBe('Abc');
    expect(Object.keys(response.headers).every((name) => name === name.toLowerCase())).toBe(true);
    expect(response.durationMs).toBeGreaterThan(0);
    await server.close();
  });

  it('delivers the request body and headers byte-exact, as a POST', async () => {
    let received: { method?: string; url?: string; headers: http.IncomingHttpHeaders } | null =
      null;
    let receivedBody = Buffer.alloc(0);
    const server = await startHttpServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received = { method: req.method, url: req.url, headers: req.headers };
        receivedBody = Buffer.concat(chunks);
        res.writeHead(204).end();
      });
    });
    const body = Buffer.concat([
      Buffer.from('{"name":"Zoë ✓","n":1}\n'),
      Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x0d, 0x0a]),
    ]);
    const headers = {
      'Content-Type': 'application/json; charset=utf-8',
      'User-Agent': 'nest-webhooks/0.1.0',
      'webhook-id': 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W',
      'webhook-timestamp': '1700000000',
      'webhook-signature': 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4= v1,abc+/=',
      'X-Webhook-Signature': 'sha256=0123456789abcdef',
      'X-Custom': '  spaced value;with=odd,chars  '.trim(),
    };

    const response = await client.send(post(`${server.url}/in/hook?x=1&y=%20`, { headers, body }));

    expect(response).toMatchObject({ statusCode: 204, error: null, body: '' });
    expect(received).not.toBeNull();
    const got = received as unknown as {
      method: string;
      url: string;
      headers: http.IncomingHttpHeaders;
    };
    expect(got.method).toBe('POST');
    expect(got.url).toBe('/in/hook?x=1&y=%20');
    expect(receivedBody.equals(body)).toBe(true);
    expect(got.headers['content-length']).toBe(String(body.length));
    for (const [name, value] of Object.entries(headers)) {
      expect(got.headers[name.toLowerCase()]).toBe(value);
    }
    // Nothing added by the client library beyond the transport's own headers.
    const expected = new Set([
      ...Object.keys(headers).map((name) => name.toLowerCase()),
      'host',
      'content-length',
      'connection',
    ]);
    expect(Object.keys(got.headers).filter((name) => !expected.has(name))).toEqual([]);
    await server.close();
  });

  it('returns a 500 as a status, not an error', async () => {
    const server = await startHttpServer((_req, res) => {
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end('boom');
    });

    const response = await client.send(post(server.url));

    expect(response).toMatchObject({ statusCode: 500, body: 'boom', error: null });
    await server.close();
  });

  it('does not follow a redirect', async () => {
    const server = await startHttpServer((req, res) => {
      if (req.url === '/target') {
        res.writeHead(200).end('followed');
        return;
      }
      res.writeHead(302, { Location: '/target' }).end();
    });

    const response = await client.send(post(`${server.url}/start`));

    expect(response).toMatchObject({ statusCode: 302, error: null });
    expect(response.headers.location).toBe('/target');
    expect(server.requests).toEqual(['/start']);
    await server.close();
  });

  it('gives up with "timeout" on a server that never answers', async () => {
    const server = await startHttpServer(() => {
      // Never answers; the connection is closed by server.close().
    });

    const startedAt = Date.now();
    const response = await client.send(post(server.url, { timeoutMs: 500 }));
    const elapsed = Date.now() - startedAt;

    expect(response).toMatchObject({ statusCode: null, error: 'timeout', body: '' });
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(1500);
    await server.close();
  });

  it('reads only the first 4 KiB of a large, slow body and returns promptly', async () => {
    const server = await startHttpServer((_req, res) => {
      res.writeHead(200, { 'Content-Length': String(5 * 1024 * 1024) });
      trickle(res, Buffer.alloc(64 * 1024, 'a'), 20, 80); // 5 MiB over ~1.6 s
    });

    const startedAt = Date.now();
    const response = await client.send(post(server.url, { timeoutMs: 5000 }));
    const elapsed = Date.now() - startedAt;

    expect(response).toMatchObject({ statusCode: 200, error: null });
    expect(response.body.length).toBe(4096);
    expect(elapsed).toBeLessThan(1500);
    await server.close();
  });

  it('ends an endless trickling body at the deadline with what it read', async () => {
    const server = await startHttpServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' }); // chunked, never ends
      res.write('x');
      trickle(res, Buffer.from('0123456789'), 50, 400);
    });

    const startedAt = Date.now();
    const response = await client.send(post(server.url, { timeoutMs: 700 }));
    const elapsed = Date.now() - startedAt;

    // The answer was cut off by the deadline: its status is kept, the error says why.
    expect(response).toMatchObject({ statusCode: 200, error: 'timeout' });
    expect(response.body.length).toBeGreaterThan(0);
    expect(response.body.length).toBeLessThanOrEqual(4096);
    expect(response.body.startsWith('x0123456789')).toBe(true);
    expect(elapsed).toBeLessThan(700 + 1000);
    await server.close();
  });

  it('does not buffer a 1 GiB body sent as fast as possible', async () => {
    let written = 0;
    const server = await startHttpServer((_req, res) => {
      res.writeHead(200, { 'Content-Length': String(1024 * 1024 * 1024) });
      const chunk = Buffer.alloc(1024 * 1024, 'b');
      const pump = () => {
        // Bounded: at most 1,024 chunks, stops as soon as the client has gone.
        while (!res.destroyed && written < 1024 * chunk.length) {
          written += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
      };
      res.on('error', () => undefined);
      pump();
    });

    const startedAt = Date.now();
    const response = await client.send(post(server.url, { timeoutMs: 10_000 }));
    const elapsed = Date.now() - startedAt;

    expect(response).toMatchObject({ statusCode: 200, error: null });
    expect(response.body).toBe('b'.repeat(4096));
    expect(elapsed).toBeLessThan(2000);
    await delay(100);
    expect(written).toBeLessThan(64 * 1024 * 1024);
    await server.close();
  });

  it('reports an error when the server drops the connection mid-body', async () => {
    const server = await startHttpServer((req, res) => {
      res.writeHead(200, { 'Content-Length': '1000' });
      res.write('partial', () => setTimeout(() => req.socket.destroy(), 20));
    });

    const response = await client.send(post(server.url));

    expect(response.error).toBe('connection reset');
    expect(response.body.length).toBeLessThanOrEqual(7);
    await server.close();
  });

  it('reports an error when the server drops the connection mid-headers', async () => {
    const server = await startTcpServer((socket) => {
      socket.once('data', () => {
        socket.write('HTTP/1.1 200 OK\r\nContent-Le', () => socket.destroy());
      });
    });

    const response = await client.send(post(server.url));

    expect(response.statusCode).toBeNull();
    expect(response.error).toMatch(/^(connection reset|invalid http response)$/);
    await server.close();
  });

  it('says "connection refused" for a closed port', async () => {
    const server = await startTcpServer(() => undefined);
    const url = server.url;
    await server.close();

    const response = await client.send(post(url));

    expect(response).toMatchObject({ statusCode: null, error: 'connection refused' });
  });

  it('says "invalid http response" for a server that does not speak HTTP', async () => {
    const server = await startTcpServer((socket) => {
      socket.once('data', () => socket.end('SSH-2.0-OpenSSH_9.6\r\ngarbage\r\n\r\n'));
    });

    const response = await client.send(post(server.url));

    expect(response).toMatchObject({ statusCode: null, error: 'invalid http response' });
    await server.close();
  });

  it('says "tls error: <code>" when TLS fails', async () => {
    const server = await startHttpServer((_req, res) => res.writeHead(200).end());

    const response = await client.send(post(`https://127.0.0.1:${server.port}/`));

    expect(response.statusCode).toBeNull();
    // A plain-HTTP server answering a TLS ClientHello.
    expect(response.error).toBe('tls error: ERR_SSL_WRONG_VERSION_NUMBER');
    await server.close();
  });

  it('says "dns lookup failed" for a name that does not resolve', async () => {
    const response = await client.send(post('http://nxdomain.test/hook'));

    expect(response).toMatchObject({ statusCode: null, error: 'dns lookup failed' });
  });

  it('connects to the address the resolver gave (pinned lookup)', async () => {
    const server = await startHttpServer((req, res) => res.writeHead(200).end(req.headers.host));

    const response = await client.send(post(`http://rebind.test:${server.port}/`));

    expect(response).toMatchObject({ statusCode: 200, error: null });
    expect(response.body).toBe(`rebind.test:${server.port}`);
    await server.close();
  });

  it('refuses a name resolving to a non-public address unless private addresses are allowed', async () => {
    const server = await startHttpServer((_req, res) => res.writeHead(200).end());

    const response = await client.send(
      post(`http://rebind.test:${server.port}/`, { allowPrivateAddresses: false }),
    );

    expect(response).toMatchObject({
      statusCode: null,
      error: 'address not public (loopback)',
      body: '',
    });
    expect(server.connections).toBe(0);
    expect(server.requests).toEqual([]);
    await server.close();
  });

  it('refuses IP-literal non-public hosts unless private addresses are allowed', async () => {
    const server = await startHttpServer((_req, res) => res.writeHead(200).end());

    const refused = await Promise.all(
      [
        `http://127.0.0.1:${server.port}/`,
        `http://[::1]:${server.port}/`,
        `http://[::ffff:127.0.0.1]:${server.port}/`,
        `http://2130706433:${server.port}/`,
        'http://10.0.0.1/',
        'http://169.254.169.254/latest/meta-data',
      ].map((url) => client.send(post(url, { allowPrivateAddresses: false }))),
    );

    expect(refused.map((r) => r.error)).toEqual([
      'address not public (loopback)',
      'address not public (loopback)',
      'address not public (loopback)',
      'address not public (loopback)',
      'address not public (private)',
      'address not public (cloudMetadata)',
    ]);
    expect(refused.every((r) => r.statusCode === null)).toBe(true);
    expect(server.connections).toBe(0);
    await server.close();
  });

  it('reports a bad URL instead of throwing', async () => {
    await expect(client.send(post('not a url'))).resolves.toMatchObject({
      statusCode: null,
      error: 'invalid url',
    });
  });

  it('keeps the connection after an answer longer than the 4 KiB it reads', async () => {
    // An error page from a proxy or a CDN is often longer than 4 KiB.
    const page = 'x'.repeat(8 * 1024);
    const server = await startHttpServer((_req, res) => res.writeHead(502).end(page));

    const bodies: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      bodies.push((await client.send(post(`${server.url}/n/${i}`))).body.length);
    }

    expect(bodies).toEqual(new Array<number>(10).fill(4096));
    expect(server.requests).toHaveLength(10);
    expect(server.connections).toBeLessThanOrEqual(2);
    await server.close();
  });

  it('reuses keep-alive connections across sequential requests', async () => {
    const server = await startHttpServer((_req, res) => res.writeHead(200).end('ok'));

    const statuses: Array<number | null> = [];
    for (let i = 0; i < 20; i += 1) {
      statuses.push((await client.send(post(`${server.url}/n/${i}`))).statusCode);
    }

    expect(statuses).toEqual(new Array<number>(20).fill(200));
    expect(server.requests).toHaveLength(20);
    expect(server.connections).toBeLessThanOrEqual(2);
    await server.close();
  });
});

describe('undici WebhookHttpClient with every connection busy', () => {
  it('ends a request still waiting for a connection at its own deadline, and never sends it', async () => {
    const server = await startHttpServer(() => {
      // Never answers: the one connection stays taken until the first request's deadline.
    });
    const client = new UndiciWebhookHttpClient(testResolver, { connections: 1 });

    const first = client.send(post(`${server.url}/first`, { timeoutMs: 1500 }));
    const startedAt = Date.now();
    const queued = await client.send(post(`${server.url}/queued`, { timeoutMs: 300 }));
    const elapsed = Date.now() - startedAt;

    expect(queued).toMatchObject({ statusCode: null, error: 'timeout', body: '' });
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(1000);
    await expect(first).resolves.toMatchObject({ statusCode: null, error: 'timeout' });
    // The connection is free again: the timed-out request did not go out on it.
    await delay(200);
    expect(server.requests).toEqual(['/first']);
    await client.close();
    await server.close();
  });
});
