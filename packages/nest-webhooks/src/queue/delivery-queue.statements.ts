import type { HotStatement } from '../common/prepared-statement';

/**
 * Selected by the queue's bookkeeping statements (claim, record, release): the statement's own
 * implicit transaction then commits without waiting for the WAL flush, in one round trip (no
 * BEGIN, SET LOCAL, COMMIT). If PostgreSQL itself crashes and loses the last milliseconds of such
 * commits, the deliveries concerned go back to `pending` or an expired lease and are sent again
 * (at least once holds; a receiver drops the duplicate by its webhook-id). Accepting an event
 * always waits for the flush.
 */
export const ASYNC_COMMIT = `set_config('synchronous_commit', 'off', true) AS async_commit`;

/**
 * The claim: the oldest due rows, leaving out the subscriptions in $3, leased to this instance
 * ($1) with their events (`webhook_claim_deliveries`: planned with index scans only, so that the
 * prepared statement never keeps a plan made for an empty queue).
 */
export const CLAIM_STATEMENT: HotStatement = {
  name: 'webhooks_claim',
  text: `SELECT c.*, ${ASYNC_COMMIT} FROM webhook_claim_deliveries($1, $2, $3, $4) c`,
};

/**
 * The record of a batch of attempts ($1, one JSON object each) of deliveries leased to $2 ($3
 * their ids): attempt rows, delivery states, and the failing mark of the subscriptions in $4
 * (answered: $5, since: $6). `webhook_record_attempts` is planned with index scans only.
 */
export const RECORD_STATEMENT: HotStatement = {
  name: 'webhooks_record',
  text: `SELECT r.*, ${ASYNC_COMMIT}
         FROM webhook_record_attempts($1::jsonb, $2, $3::uuid[], $4::uuid[], $5::bool[], $6::timestamptz[]) r`,
};

/**
 * The one release rule, for every way a lease ends without a recorded attempt: the delivery goes
 * back to `pending` with no lease, due no earlier than it was (nor than `$notBefore` when given,
 * e.g. the end of its endpoint's pause; GREATEST skips a null). The attempt its claim counted is taken back when the
 * holder gives it back (`$attempted` false: no attempt recorded; a request cut short by a
 * shutdown is sent again under the same number), and kept when its lease expired (`$attempted`
 * true: the holder may have died mid-request).
 */
export function releaseStatement(where: string, notBefore: string, attempted: string): string {
  return `WITH released AS (
     UPDATE webhook_deliveries
     SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL,
         attempt_count = CASE WHEN ${attempted}::bool THEN attempt_count ELSE greatest(attempt_count - 1, 0) END,
         next_attempt_at = greatest(COALESCE(next_attempt_at, now()), ${notBefore}::timestamptz),
         updated_at = now()
     WHERE status = 'sending' AND ${where}
     RETURNING 1)
   SELECT (SELECT count(*)::int FROM released) AS released, ${ASYNC_COMMIT}`;
}
