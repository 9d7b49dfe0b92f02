/**
 * The benchmark's receiver, in a process of its own: a bare HTTP server on 127.0.0.1 that answers
 * 204 and remembers when each webhook-id first arrived. Driven over IPC by bench/run.ts.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

type Command =
  { cmd: 'count' } | { cmd: 'arrivals'; ids: string[] } | { cmd: 'reset' } | { cmd: 'stop' };

const arrivals = new Map<string, number>();
let requests = 0;

const server = createServer((req, res) => {
  req.on('data', () => undefined);
  req.on('end', () => {
    requests++;
    const id = req.headers['webhook-id'];
    const key = `${typeof id === 'string' ? id : ''}|${req.url ?? ''}`;
    if (!arrivals.has(key)) arrivals.set(key, Date.now());
    res.statusCode = 204;
    res.end();
  });
});
server.keepAliveTimeout = 10_000;
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});

process.on('message', (message: Command) => {
  switch (message.cmd) {
    case 'count':
      process.send?.({ requests, distinct: arrivals.size });
      break;
    case 'arrivals':
      process.send?.({ arrivals: message.ids.map((id) => arrivals.get(id) ?? null) });
      break;
    case 'reset':
      arrivals.clear();
      requests = 0;
      process.send?.({ ok: true });
      break;
    case 'stop':
      server.close();
      server.closeAllConnections();
      process.exit(0);
  }
});
