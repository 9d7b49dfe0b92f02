/**
 * A local webhook receiver for trying the service: verifies every delivery with the official
 * `standardwebhooks` package and prints it.
 *   WEBHOOK_SECRET=whsec_... npm run receiver            (listens on 127.0.0.1:4000, or PORT)
 */
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';

const secret = process.env.WEBHOOK_SECRET;
if (!secret) {
  process.stderr.write('usage: WEBHOOK_SECRET=whsec_... npm run receiver\n');
  process.exit(2);
}
const webhook = new Webhook(secret);
const port = Number(process.env.PORT ?? 4000);

createServer((req, res) => {
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
}).listen(port, '127.0.0.1', () =>
  process.stdout.write(`receiver on http://127.0.0.1:${port}/hooks\n`),
);
