import type { HotStatement } from '../common/prepared-statement';

/** PostgreSQL channel a publish notifies (inside its transaction: delivered only on commit). */
export const DELIVERIES_CHANNEL = 'webhook_deliveries';

/**
 * Whether the publisher's view of the data filters (`SubscriptionFilters`) is out of date: an
 * active filtered subscription of one of `companies` whose version (`updated_at`) is not among
 * the known ones (`ids`, `versions`: parameters), or fewer of them than known (one was
 * deactivated or deleted, by the API or by the engine, whether or not that moved `updated_at`: a
 * dropped subscription would otherwise be evaluated on every publish until the next change). A
 * statement that finds so writes nothing and
 * says `stale`; the publisher reloads the filters and runs it again. Companies without filtered
 * subscriptions find nothing in a partial index: they pay one empty index probe.
 */
function staleFilters(companies: string, ids: string, versions: string): string {
  return `SELECT true AS stale FROM (
       SELECT count(*) AS active,
         -- Uncorrelated: one hash of the known versions, whatever their number.
         bool_or((f.id, f.updated_at) NOT IN (SELECT * FROM unnest(${ids}::uuid[], ${versions}::timestamptz[]))) AS changed
       FROM webhook_subscriptions f
       WHERE f.company_id IN (${companies}) AND f.filter IS NOT NULL AND f.is_active AND f.deleted_at IS NULL
     ) known
     -- Changed or added (a pair not known), or one known is no longer active (fewer than known).
     WHERE known.changed OR known.active <> cardinality(${ids}::uuid[])`;
}

/**
 * One pending delivery per active subscription of the company whose filters overlap the event's
 * ($1 event id, $2 company, $3 type, $4 the filters that match the type: `filtersMatching`) and
 * whose data filter, if any, matched ($5: those subscriptions; $6, $7 the known filter versions),
 * but the subscription an operational event is about ($8, or null).
 * Returns the count, and `stale` (nothing written) when the filters known were out of date.
 */
export const FAN_OUT = `
  WITH stale AS (${staleFilters('$2::varchar', '$6', '$7')}), created AS (
    INSERT INTO webhook_deliveries (id, company_id, event_id, subscription_id, event_type, status, next_attempt_at)
    SELECT gen_random_uuid(), $2::varchar, $1::uuid, s.id, $3::varchar, 'pending', now()
    FROM webhook_subscriptions s
    WHERE s.company_id = $2::varchar AND s.is_active AND s.deleted_at IS NULL AND s.events && $4::text[]
      AND s.id IS DISTINCT FROM $8::uuid AND (s.filter IS NULL OR s.id IN (SELECT unnest($5::uuid[]))) AND NOT EXISTS (SELECT 1 FROM stale)
    RETURNING 1)
  SELECT (SELECT count(*) FROM created)::int AS count, EXISTS (SELECT 1 FROM stale) AS stale`;

/**
 * A group of events and their fan-out in one statement ($1: the events as one JSON document). Up
 * to $3 deliveries ($6 per subscription, none for the subscriptions in $4) are created already
 * leased to $2 for $5 seconds at least, and besides, for each subscription $7[i], up to $8[i]
 * (deliveries that wait in the dispatcher's memory); the others are `pending`. Returns every
 * delivery, with the event's data as stored for the leased ones. $9: a batch publish, whose
 * `batch` subscriptions get one delivery of every event instead (BATCH_DELIVERIES).
 *
 * Data filters: ($12[i], $13[i]) says that the filter of subscription $13[i] matches the data of
 * the group's event number $12[i] (from 1); $10, $11 the filter versions they were read at. An
 * operational event never goes to the subscription it is about (`about`). When those are out of date
 * (see `staleFilters`) nothing is written and one row says `stale`.
 *
 * `keyed`: some events carry an idempotency key. An event whose key the company already used (in
 * an earlier commit or earlier in this group) is not stored and fans out nothing; it comes back
 * as one row with `skipped` true and no delivery id, for the caller to answer from the earlier
 * event. Unkeyed groups use the statement without ON CONFLICT (no speculative insertion).
 */
function publishGroup(keyed: boolean): HotStatement {
  const keyColumns = keyed ? ', idempotency_key varchar, request_hash varchar' : '';
  const keyNames = keyed ? ', idempotency_key, request_hash' : '';
  return {
    name: keyed ? 'webhooks_publish_group_keyed' : 'webhooks_publish_group',
    text: `WITH input AS (
     SELECT * FROM ROWS FROM (jsonb_to_recordset($1::jsonb)
       AS (id uuid, company_id varchar, type varchar, data jsonb, filters text, about uuid${keyColumns}))
       WITH ORDINALITY AS i(id, company_id, type, data, filters, about${keyNames}, n)
   ), stale AS (${staleFilters('SELECT company_id FROM input', '$10', '$11')}
   ), event AS (
     INSERT INTO webhook_events (id, company_id, type, data${keyNames})
     SELECT id, company_id, type, data${keyNames} FROM input WHERE NOT EXISTS (SELECT 1 FROM stale)
     ${keyed ? 'ON CONFLICT (company_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING' : ''}
     RETURNING id, created_at, data
   ), matched AS (
     SELECT i.id AS event_id, i.company_id, i.type, s.id AS subscription_id, s.request_timeout_ms,
            -- In the group's order: the first events go to memory, the rest wait in the table.
            NOT (s.id = ANY($4::uuid[])) AND CASE
              WHEN sp.room IS NOT NULL THEN row_number() OVER (PARTITION BY s.id ORDER BY i.n) <= sp.room
              ELSE row_number() OVER (PARTITION BY sp.room IS NULL ORDER BY i.n) <= $3::int
                AND row_number() OVER (PARTITION BY s.id ORDER BY i.n) <= $6::int END AS leased
     FROM input i ${keyed ? 'JOIN event stored ON stored.id = i.id' : ''}
     JOIN webhook_subscriptions s
       ON s.company_id = i.company_id AND s.is_active AND s.deleted_at IS NULL
      AND s.events && string_to_array(i.filters, ',') AND NOT (s.batch AND $9::boolean)
      AND s.id IS DISTINCT FROM i.about
      AND (s.filter IS NULL OR (i.n::int, s.id) IN (SELECT * FROM unnest($12::int[], $13::uuid[])))
     LEFT JOIN unnest($7::uuid[], $8::int[]) AS sp(id, room) ON sp.id = s.id
     WHERE NOT EXISTS (SELECT 1 FROM stale)
   ), created AS (
     INSERT INTO webhook_deliveries (id, company_id, event_id, subscription_id, event_type, status,
       attempt_count, next_attempt_at, lease_owner, lease_expires_at)
     SELECT gen_random_uuid(), m.company_id, m.event_id, m.subscription_id, m.type,
            CASE WHEN m.leased THEN 'sending' ELSE 'pending' END, CASE WHEN m.leased THEN 1 ELSE 0 END, now(),
            CASE WHEN m.leased THEN $2::varchar END,
            CASE WHEN m.leased THEN webhook_lease_expires_at(m.request_timeout_ms, $5::float8) END
     FROM matched m
     RETURNING id, company_id, event_id, subscription_id, event_type, status, attempt_count, lease_expires_at
   )
   SELECT c.id, c.company_id, c.event_id, c.subscription_id, c.event_type, c.attempt_count,
          c.lease_expires_at, c.status = 'sending' AS leased, e.created_at, s.updated_at AS subscription_version,
          -- As stored (jsonb orders keys): the first attempt's body is then byte for byte a retry's.
          CASE WHEN c.status = 'sending' THEN e.data END AS data${keyed ? ', false AS skipped' : ''},
          false AS stale
   FROM created c JOIN event e ON e.id = c.event_id
   JOIN webhook_subscriptions s ON s.id = c.subscription_id${
     keyed
       ? `
   UNION ALL
   SELECT NULL, i.company_id, i.id, NULL, i.type, 0, NULL, false, NULL, NULL, NULL, true, false
   FROM input i WHERE i.idempotency_key IS NOT NULL AND NOT EXISTS (SELECT 1 FROM stale)
     AND NOT EXISTS (SELECT 1 FROM event e WHERE e.id = i.id)`
       : ''
   }
   UNION ALL
   SELECT NULL, NULL, NULL, NULL, NULL, 0, NULL, false, NULL, NULL, NULL${keyed ? ', false' : ''}, true FROM stale`,
  };
}

export const PUBLISH_GROUP = publishGroup(false);
export const PUBLISH_GROUP_KEYED = publishGroup(true);

/**
 * A batch publish's deliveries to `batch` subscriptions: one per subscription, carrying every
 * event it matches in publish order ($1 company; $2, $3, $4 the events' ids, types and
 * `filtersMatching` joined by commas; ($5[i], $8[i]): the filter of subscription $8[i] matches
 * event number $5[i], from 1; $6, $7 the known filter versions).
 * Returns each delivery's events, or one `stale` row and nothing written (see `staleFilters`).
 */
export const BATCH_DELIVERIES = `
  WITH stale AS (${staleFilters('$1::varchar', '$6', '$7')}), created AS (
    INSERT INTO webhook_deliveries
      (id, company_id, event_id, batch_event_ids, subscription_id, event_type, status, next_attempt_at)
    SELECT gen_random_uuid(), s.company_id, (array_agg(e.id ORDER BY e.n))[1], array_agg(e.id ORDER BY e.n),
           s.id, CASE WHEN count(DISTINCT e.type) = 1 THEN min(e.type) ELSE 'batch' END, 'pending', now()
    FROM unnest($2::uuid[], $3::varchar[], $4::text[]) WITH ORDINALITY AS e(id, type, filters, n)
    JOIN webhook_subscriptions s
      ON s.company_id = $1::varchar AND s.batch AND s.is_active AND s.deleted_at IS NULL
     AND s.events && string_to_array(e.filters, ',')
     AND (s.filter IS NULL OR (e.n::int, s.id) IN (SELECT * FROM unnest($5::int[], $8::uuid[])))
    WHERE NOT EXISTS (SELECT 1 FROM stale)
    GROUP BY s.id, s.company_id
    RETURNING batch_event_ids)
  SELECT batch_event_ids, false AS stale FROM created
  UNION ALL SELECT NULL, true FROM stale`;
