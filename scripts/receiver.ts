/**
 * A local webhook receiver for trying the service: verifies every delivery with the official
 * `standardwebhooks` package and prints it.
 *   WEBHOOK_SECRET=whsec_... npm run receiver            (listens on 127.0.0.1:4000, or PORT)
 *   WEBHOOK_SECRET=whsec_... PORT=0 npm run receiver     (a free port, told in its first line)
 * Its first line is `receiver on http://127.0.0.1:<port>/hooks`, with the port it really bound; a
 * port it cannot bind (EADDRINUSE: another receiver is there) stops it with exit code 1, saying so.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

const secret = process.env.WEBHOOK_SECRET;
if (!secret) {
  process.stderr.write('usage: WEBHOOK_SECRET=whsec_... [PORT=0] npm run receiver\n');
  process.exit(2);
}
const webhook = new Webhook(secret);
const port = Number(process.env.PORT || 4000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(
    `receiver: PORT must be 0 to 65535 (0: a free port), not ${process.env.PORT}\n`,
  );
  process.exit(2);
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const header = (name: string) => String(req.headers[name] ?? '');
    try {
      const event = webhook.verify(body, {
        'webhook-id': header('webhook-id'),
        'webhook-timestamp': header('webhook-timestamp'),
        'webhook-signature': header('webhook-signature'),
      }) as { event?: string; data?: unknown };
      process.stdout.write(
        `verified ${header('x-webhook-event')} webhook-id=${header('webhook-id')} data=${JSON.stringify(event.data)}\n`,
      );
      res.writeHead(204).end();
    } catch (error) {
      process.stdout.write(
        `REJECTED ${header('x-webhook-event')}: ${error instanceof Error ? error.message : 'bad signature'}\n`,
      );
      res.writeHead(400).end();
    }
  });
});
server.on('error', (error: NodeJS.ErrnoException) => {
  process.stderr.write(
    `receiver: cannot listen on 127.0.0.1:${port}: ${error.code ?? error.message}` +
      (error.code === 'EADDRINUSE' ? ' (PORT=0 picks a free port)' : '') +
      '\n',
  );
  process.exit(1);
});
server.listen(port, '127.0.0.1', () => {
  const bound = (server.address() as AddressInfo).port;
  process.stdout.write(`receiver on http://127.0.0.1:${bound}/hooks\n`);
});
// Stopped by SIGTERM or SIGINT (`kill <pid>`, Ctrl-C): exit at once, with no connection left open.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}
