import { Counter, Histogram, register } from 'prom-client';

function singleton<T>(name: string, create: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? create();
}

/** Prometheus metrics of the delivery engine, on prom-client's default registry. */
export const deliveryMetrics = {
  attempts: singleton(
    'webhook_delivery_attempts_total',
    () =>
      new Counter({
        name: 'webhook_delivery_attempts_total',
        help: 'HTTP delivery attempts by outcome (succeeded, retry, failed, gone)',
        labelNames: ['outcome'],
      }),
  ),
  duration: singleton(
    'webhook_delivery_attempt_duration_seconds',
    () =>
      new Histogram({
        name: 'webhook_delivery_attempt_duration_seconds',
        help: 'Duration of delivery attempts',
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      }),
  ),
  circuitTransitions: singleton(
    'webhook_circuit_transitions_total',
    () =>
      new Counter({
        name: 'webhook_circuit_transitions_total',
        help: 'Endpoint circuit breaker changes (opened, reopened, closed)',
        labelNames: ['transition'],
      }),
  ),
  recordsDropped: singleton(
    'webhook_attempt_records_dropped_total',
    () =>
      new Counter({
        name: 'webhook_attempt_records_dropped_total',
        help: 'Attempt records PostgreSQL refused: not logged; their deliveries are sent again once their lease ends',
      }),
  ),
  taken: singleton(
    'webhook_dispatch_deliveries_total',
    () =>
      new Counter({
        name: 'webhook_dispatch_deliveries_total',
        help: 'Deliveries this instance took to send, by how: handoff (created leased by its own publish) or claim',
        labelNames: ['via'],
      }),
  ),
  published: singleton(
    'webhook_events_published_total',
    () => new Counter({ name: 'webhook_events_published_total', help: 'Events accepted' }),
  ),
};
