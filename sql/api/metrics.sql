-- api.metrics() -> the database's figures for GET /metrics (src/common/metrics.c
-- renders them):
--   {"generations": {"PENDING": n, "PROCESSING": n, "COMPLETED": n, "FAILED": n, "CANCELLED": n},
--    "providers": [{"id": "kling", "breakerOpen": false, "failureStreak": 0}, ...],
--    "webhookDeliveries": {"PENDING": n, "DELIVERED": n, "FAILED": n},
--    "webhookAttempts": {"ok": n, "error": n}}
-- Every state and status is present (0 when none). "ok" = an attempt answered
-- with a 2xx; "error" = any other status or no answer. Deliveries are the rows
-- present (api.maintenance_purge removes finished ones after 30 days);
-- attempts are counters, so they add what the purge removed (000016). Cost: one scan of each table per scrape, which is
-- fine at a 15-60 s scrape interval; cache in front of it if the tables grow
-- into the millions.
CREATE OR REPLACE FUNCTION api.metrics()
RETURNS jsonb
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT jsonb_build_object(
    'generations', (
      SELECT jsonb_object_agg(s.state, coalesce(c.n, 0))
        FROM unnest(ARRAY['PENDING', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED']) AS s(state)
        LEFT JOIN (SELECT g.status, count(*) AS n FROM internal.generations AS g GROUP BY g.status) AS c
               ON c.status = s.state),
    'providers', (
      SELECT coalesce(jsonb_agg(jsonb_build_object(
                 'id', p.id,
                 'breakerOpen', coalesce(p.breaker_open_until > now(), false),
                 'failureStreak', p.failure_streak) ORDER BY p.id), '[]'::jsonb)
        FROM internal.providers AS p),
    'webhookDeliveries', (
      SELECT jsonb_object_agg(s.status, coalesce(c.n, 0))
        FROM unnest(ARRAY['PENDING', 'DELIVERED', 'FAILED']) AS s(status)
        LEFT JOIN (SELECT d.status, count(*) AS n FROM internal.webhook_deliveries AS d GROUP BY d.status) AS c
               ON c.status = s.status),
    -- Counters: the attempts in the table plus those the purge deleted.
    'webhookAttempts', (
      SELECT jsonb_build_object(
               'ok', count(*) FILTER (WHERE a.http_status BETWEEN 200 AND 299)
                     + (SELECT t.value FROM internal.purged_totals t WHERE t.name = 'webhook_attempts_ok'),
               'error', count(*) FILTER (WHERE a.http_status IS NULL OR a.http_status NOT BETWEEN 200 AND 299)
                     + (SELECT t.value FROM internal.purged_totals t WHERE t.name = 'webhook_attempts_error'))
        FROM internal.webhook_attempts AS a));
$$;
