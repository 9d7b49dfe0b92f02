import { type IncomingHttpHeaders, request as httpRequest } from 'node:http';
import type { FuzzRequest } from './requests';
import { clip, redact } from './secrets';
import { REQUEST_TIMEOUT_MS } from './settings';

// The fuzzed requests go through node:http rather than supertest: superagent parses the target
// with WHATWG URL (which resolves `..`, `%2e%2e`, and re-encodes) and adds a form Content-Type to
// string bodies, and the fuzzer has to put exact bytes on the wire. Seeding uses supertest.

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export function send(port: number, req: FuzzRequest, authHeader: string | null): Promise<Answer> {
  const headers: Record<string, string> = {};
  for (const [name, value] of req.headers) headers[name] = value;
  if (req.idempotencyKey !== null) headers['Idempotency-Key'] = req.idempotencyKey;
  if (authHeader !== null) headers.Authorization = authHeader;
  let payload: Buffer | null = null;
  if (req.body) {
    payload =
      req.body.bytes !== null
        ? Buffer.from(req.body.bytes)
        : Buffer.from(req.body.text ?? '', 'utf8');
    if (req.body.contentType !== null) headers['Content-Type'] = req.body.contentType;
    if (req.body.contentEncoding !== null) headers['Content-Encoding'] = req.body.contentEncoding;
    if (!req.body.chunked) headers['Content-Length'] = String(payload.length);
  }
  return new Promise<Answer>((resolve, reject) => {
    const outgoing = httpRequest(
      { host: '127.0.0.1', port, method: req.method, path: req.target, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    outgoing.setTimeout(REQUEST_TIMEOUT_MS, () =>
      outgoing.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)),
    );
    outgoing.on('error', reject);
    if (payload && req.body?.chunked) {
      const half = Math.floor(payload.length / 2);
      outgoing.write(payload.subarray(0, half));
      outgoing.end(payload.subarray(half));
    } else if (payload) {
      outgoing.end(payload);
    } else {
      outgoing.end();
    }
  });
}

/** How deep the JSON text nests (brackets outside strings), for reports of clipped bodies. */
function nestingOf(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else if (c === '[' || c === '{') {
      max = Math.max(max, ++depth);
    } else if (c === ']' || c === '}') {
      depth--;
    }
  }
  return max;
}

export function describeRequest(req: FuzzRequest, tokens: string[] = []): string {
  const body = req.body
    ? `${req.body.contentType ?? '(no Content-Type)'}${req.body.contentEncoding ? ` +${req.body.contentEncoding}` : ''}${req.body.chunked ? ' chunked' : ''}: ${
        req.body.bytes !== null
          ? `bytes ${Buffer.from(req.body.bytes).toString('hex')}`
          : `${(req.body.text ?? '').length} chars, nesting ${nestingOf(req.body.text ?? '')}: ${JSON.stringify(clip(req.body.text ?? '', 400))}`
      }`
    : '(no body)';
  return redact(
    `${req.method} ${clip(req.target, 300)} auth=${JSON.stringify(req.auth)} idempotency-key=${JSON.stringify(
      req.idempotencyKey === null ? null : clip(req.idempotencyKey, 80),
    )} headers=${clip(JSON.stringify(req.headers), 300)} body=${body}`,
    tokens,
  );
}

export function describeAnswer(answer: Answer, tokens: string[] = []): string {
  return redact(`${answer.status} ${clip(answer.text, 500)}`, tokens);
}
