import type { Readable } from 'node:stream';
import { MAX_RESPONSE_BODY_BYTES } from '../interfaces/webhook-http-client.interface';

/**
 * Response-body capping for the {@link WebhookHttpClient}s: only the first `limit` bytes are kept,
 * so a huge or endless body is neither buffered nor waited for.
 */

/** The first `limit` bytes of a body, gathered chunk by chunk; the rest is not kept. */
export class BodyCap {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly limit: number = MAX_RESPONSE_BODY_BYTES) {}

  /** Keeps what of `chunk` fits; true once the cap is reached. */
  add(chunk: Buffer): boolean {
    const take = Math.min(chunk.length, this.limit - this.size);
    if (take > 0) {
      this.chunks.push(take === chunk.length ? chunk : chunk.subarray(0, take));
      this.size += take;
    }
    return this.size >= this.limit;
  }

  get bytes(): Buffer {
    return Buffer.concat(this.chunks, this.size);
  }
}

/** What {@link readCappedBody} got: at most `limit` bytes, and the error that ended it early. */
export interface CappedBody {
  body: Buffer;
  /** Set when the stream failed or the deadline fired before the end or the cap. */
  error: unknown;
}

/**
 * After the cap: a response that has all arrived (node:http's `complete`) is read to its end and
 * dropped, so its keep-alive connection is reused; any other is destroyed with its connection.
 */
function dropRest(stream: Readable): void {
  if ((stream as Readable & { complete?: boolean }).complete === true) {
    stream.resume();
  } else {
    stream.destroy();
  }
}

/**
 * Reads at most `limit` bytes of `stream`, then stops (so a huge or endless body is neither
 * buffered nor waited for): a message that has all arrived is drained, keeping its connection;
 * any other is destroyed. Never rejects: a stream error, a premature close or `signal` aborting
 * ends the read with what arrived so far and `error` set, and destroys the stream.
 */
export function readCappedBody(
  stream: Readable,
  limit: number = MAX_RESPONSE_BODY_BYTES,
  signal?: AbortSignal,
): Promise<CappedBody> {
  return new Promise<CappedBody>((resolve) => {
    const body = new BodyCap(limit);
    let settled = false;

    const finish = (error: unknown, destroy: boolean) => {
      if (settled) {
        return;
      }
      settled = true;
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
      signal?.removeEventListener('abort', onAbort);
      if (destroy) {
        // Errors after this point (e.g. the socket reset) are of no interest.
        stream.on('error', () => undefined);
        if (error === null) {
          // Capped: once this read is parsed, a message that arrived whole keeps its connection.
          setImmediate(() => dropRest(stream));
        } else {
          stream.destroy();
        }
      }
      resolve({ body: body.bytes, error });
    };
    const onData = (chunk: Buffer | string) => {
      if (body.add(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)) {
        finish(null, true);
      }
    };
    const onEnd = () => finish(null, false);
    const onError = (error: unknown) => finish(error ?? new Error('stream error'), true);
    const onClose = () => {
      const error: NodeJS.ErrnoException = new Error('response ended prematurely');
      error.code = 'ERR_STREAM_PREMATURE_CLOSE';
      finish(error, true);
    };
    const onAbort = () => finish(signal?.reason ?? new Error('aborted'), true);

    if (signal?.aborted) {
      onAbort();
      return;
    }
    if (limit <= 0) {
      finish(null, true);
      return;
    }
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
    stream.once('close', onClose);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (stream.readableEnded) {
      finish(null, false);
    } else if (stream.destroyed) {
      onClose();
    }
  });
}
