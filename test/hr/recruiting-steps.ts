import { Webhook } from 'standardwebhooks';
import { ISO_DATE_TIME } from '../support/constants';
import type { TestReceiver } from '../support/receiver';
import type { Delivered } from './hr-harness';
import { type Expected, verifiedBody } from './recruiting-harness';

/** One step of a walkthrough: what it was expected to send, and what the receiver got. */
export interface Step {
  name: string;
  expected: Expected[];
  received: Delivered[];
}

/**
 * The steps of a walkthrough, as one receiver path sees them: each step runs, then waits until
 * exactly as many deliveries as it expects reached the path, each verified with the secret.
 */
export class WalkthroughSteps {
  readonly steps: Step[] = [];
  private readonly webhook: Webhook;

  constructor(
    private readonly receiver: TestReceiver,
    private readonly path: string,
    private readonly company: string,
    secret: string,
  ) {
    this.webhook = new Webhook(secret);
  }

  /** Runs `action`; `expected` says, from its result, what the step must deliver. */
  async step<T>(name: string, action: () => Promise<T>, expected: (result: T) => Expected[]) {
    const already = this.receiver.on(this.path).length;
    const result = await action();
    const wanted = expected(result);
    const requests = await this.receiver.waitFor(already + wanted.length, this.path, 10_000);
    const received = requests.slice(already).map((req) => {
      const body = verifiedBody(this.webhook, req);
      expect(req.headers['x-webhook-event']).toBe(body.event);
      expect(body).toMatchObject({
        companyId: this.company,
        timestamp: expect.stringMatching(ISO_DATE_TIME),
      });
      return body;
    });
    this.steps.push({ name, expected: wanted, received });
    return result;
  }

  /** Every delivery, step after step. */
  get received(): Delivered[] {
    return this.steps.flatMap((s) => s.received);
  }
}
