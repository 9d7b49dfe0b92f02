import { Injectable, Logger } from '@nestjs/common';
import { WebhooksSettings } from '../webhooks-settings';
import type { AttemptMade } from './attempt-outcome';
import { CircuitBreakers, isEndpointFailure } from './circuit-breaker';
import { deliveryMetrics } from './delivery-metrics';
import { DispatchSignal } from './dispatch-signal';

/**
 * The endpoint circuit of each subscription in this instance: the breaker, reset when the
 * subscription moves to another URL, fed with attempt outcomes; pauses and recoveries are logged
 * and counted, and the dispatcher wakes when a pause ends.
 */
@Injectable()
export class EndpointCircuits {
  private readonly logger = new Logger(EndpointCircuits.name);
  private readonly breakers: CircuitBreakers;
  /** The URL each circuit was fed on: a subscription moved to another URL starts closed. */
  private readonly urls = new Map<string, string>();

  constructor(
    private readonly settings: WebhooksSettings,
    private readonly signal: DispatchSignal,
  ) {
    this.breakers = new CircuitBreakers(settings.circuitBreaker);
  }

  /** Requests the endpoint may have in flight now, and until when it is paused (see CircuitBreakers). */
  state(subscriptionId: string): { allowance: number; pausedUntil: number | null } {
    return this.breakers.state(subscriptionId);
  }

  /** Subscriptions paused right now: left out of claims and hand-offs. */
  paused(): string[] {
    return this.breakers.paused();
  }

  /** Starts the circuit afresh when the subscription's URL is not the one it was fed on. */
  followUrl(subscriptionId: string, url: string): void {
    if (this.urls.get(subscriptionId) === url) return;
    this.breakers.forget(subscriptionId);
    this.urls.set(subscriptionId, url);
  }

  /** Feeds an attempt's outcome to its subscription's circuit; logs a pause or a recovery. */
  record(subscriptionId: string, url: string, attempt: AttemptMade): void {
    const failed = attempt.status === 'failed' && isEndpointFailure(attempt.statusCode);
    const transition = this.breakers.record(
      subscriptionId,
      failed,
      attempt.at.getTime() - attempt.durationMs,
    );
    if (!transition) return;
    deliveryMetrics.circuitTransitions.inc({ transition });
    if (transition === 'closed') {
      this.logger.log(`Subscription ${subscriptionId}: endpoint answered again, circuit closed`);
      return;
    }
    const until = this.breakers.pausedUntil(subscriptionId) ?? Date.now();
    const why =
      transition === 'opened'
        ? `${this.settings.circuitBreaker.failureThreshold} failed attempts in a row`
        : 'probe failed';
    this.logger.warn(
      `Subscription ${subscriptionId}: ${why} (${attempt.error ?? `HTTP ${attempt.statusCode}`}); pausing ${new URL(url).host} until ${new Date(until).toISOString()}`,
    );
    this.signal.wakeAt(until);
  }
}
