-- api.metrics() -> the database's figures for GET /metrics (src/common/metrics.c
-- renders them):
--   {"generations": {"PENDING": n, "PROCESSING": n, "COMPLETED": n, "FAILED": n, "CANCELLED": n},
--    "providers": [{"id": "kling", "breakerOpen": false, "failureStreak": 0, "breakerTrips": 0}, ...],
--    "providerErrors": [{"provider": "kling", "code": "GENERATION_FAILED", "n": 3}, ...],
--    "webhookDeliveries": {"PENDING": n, "DELIVERED": n, "FAILED": n},
--    "webhookAttempts": {"ok": n, "error": n}}
-- Every state and status is present (0 when none). "ok" = an attempt answered
-- with a 2xx; "error" = any other status or no answer. Deliveries are the rows
-- present (api.maintenance_purge removes finished ones after 30 days);
-- attempts are counters, so they add what the purge removed (000016). Cost: one scan of each table per scrape, which is
-- fine at a 15-60 s scrape interval; cache in front of it if the tables grow
-- into the millions (1.9 million generations and 1.2 million deliveries: about
-- 1.8 s). jit = off: those scans are costly enough for PostgreSQL to compile
-- them, which added 0.4-1.2 s to every scrape and saved nothing measurable.
CREATE OR REPLACE FUNCTION api.metrics()
RETURNS jsonb
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET jit = off
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
                 'failureStreak', p.failure_streak,
                 'breakerTrips', p.breaker_trips) ORDER BY p.id), '[]'::jsonb)
        FROM internal.providers AS p),
    -- Attempts are never purged, so these are counters. Test mode's
    -- simulated failures are not the provider's.
    'providerErrors', (
      SELECT coalesce(jsonb_agg(jsonb_build_object('provider', e.provider, 'code', e.code, 'n', e.n)
                                ORDER BY e.provider, e.code), '[]'::jsonb)
        FROM (SELECT a.provider, coalesce(a.error_code, 'UNKNOWN') AS code, count(*) AS n
                FROM internal.generation_attempts AS a
                JOIN internal.generations AS g ON g.id = a.generation_id
               WHERE a.status = 'FAILED' AND NOT g.test_mode
               GROUP BY 1, 2) AS e),
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
