import { Injectable } from '@nestjs/common';
import type { ClaimedDelivery } from '../queue/claimed-delivery';
import { DeliveryQueue } from '../queue/delivery-queue.repository';
import type { AttemptMade } from './attempt-outcome';
import { AttemptRecorder } from './attempt-recorder';
import { isEndpointFailure } from './circuit-breaker';
import { DeliveryAttempt } from './delivery-attempt';
import { type DeliveryTarget, DeliveryTargets } from './delivery-targets';
import { EndpointCircuits } from './endpoint-circuits';

/**
 * Sends one delivery this instance already holds (status `sending`, leased to it) right now,
 * outside the lanes, and waits for its recorded attempt: the test ping.
 */
@Injectable()
export class ImmediateDelivery {
  constructor(
    private readonly queue: DeliveryQueue,
    private readonly targets: DeliveryTargets,
    private readonly attempts: DeliveryAttempt,
    private readonly recorder: AttemptRecorder,
    private readonly circuits: EndpointCircuits,
  ) {}

  /** `retry: false` ends the delivery after this attempt. */
  async send(deliveryId: string, options: { retry: boolean }): Promise<AttemptMade> {
    const held = await this.queue.heldDelivery(deliveryId);
    if (!held) throw new Error(`Delivery ${deliveryId} is not held by this instance`);
    const target = await this.freshTarget(held);
    const attempt = await this.attempts.make(held, target, options);
    // A test that gets an answer tells the circuit the endpoint is back.
    if (held.subscriptionId && !isEndpointFailure(attempt.statusCode)) {
      this.circuits.record(held.subscriptionId, target.url, attempt);
    }
    this.recorder.add(attempt);
    await this.recorder.flushAll();
    return attempt;
  }

  /** The delivery's target as it is now (not a cached copy); inactive ones too (a test ping). */
  private async freshTarget(delivery: ClaimedDelivery): Promise<DeliveryTarget> {
    const targetOf = await this.targets.forDeliveries([delivery], { fresh: true });
    const resolved = targetOf(delivery);
    if (resolved.kind === 'target') return resolved.target;
    throw new Error(
      `Delivery ${delivery.id} cannot be sent: ${resolved.kind === 'unreadable' ? resolved.reason : `subscription ${delivery.subscriptionId} not found`}`,
    );
  }
}
