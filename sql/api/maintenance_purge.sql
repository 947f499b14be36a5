-- api.maintenance_purge(now) -> {"idempotencyKeys": n, "rateWindows": n,
-- "persistedQueries": n, "webhookDeliveries": n}: deletes Idempotency-Keys that are 24 hours old
-- (they can no longer be replayed; internal.idempotency_ttl), the rate
-- windows of accounts idle for two days (rateWindows counts their rows, one
-- per account; every live day window starts at most 24 h ago) and persisted
-- queries unused for 30 days (a client that still has one gets
-- PersistedQueryNotFound and registers it again, as APQ foresees). Called
-- by the scheduler about once a minute; every delete uses an index on the
-- age column.
CREATE OR REPLACE FUNCTION api.maintenance_purge(p_now timestamptz DEFAULT now())
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_keys    integer;
  v_windows integer;
  v_queries integer;
  v_hooks   integer;
BEGIN
  DELETE FROM internal.idempotency_keys k WHERE k.created_at <= p_now - internal.idempotency_ttl();
  GET DIAGNOSTICS v_keys = ROW_COUNT;
  -- SKIP LOCKED: a window a request is renewing right now is not old any
  -- more, and the purge must never wait for (or deadlock with) requests.
  DELETE FROM internal.rate_windows w
   WHERE w.account_id IN (SELECT o.account_id
                            FROM internal.rate_windows o
                           WHERE o.day_start < p_now - interval '2 days'
                             FOR UPDATE SKIP LOCKED);
  GET DIAGNOSTICS v_windows = ROW_COUNT;
  -- SKIP LOCKED for the same reason: a lookup touching a row right now
  -- proves it is in use.
  DELETE FROM internal.persisted_queries q
   WHERE q.sha256 IN (SELECT o.sha256
                        FROM internal.persisted_queries o
                       WHERE o.last_used_at < p_now - interval '30 days'
                         FOR UPDATE SKIP LOCKED);
  GET DIAGNOSTICS v_queries = ROW_COUNT;
  -- Finished webhook deliveries (and their attempts) are kept 30 days for
  -- support questions; pending ones stay whatever their age. The attempts
  -- they take along stay counted (internal.purged_totals, for /metrics): a
  -- finished delivery gets no new attempt, so the two statements agree.
  UPDATE internal.purged_totals t
     SET value = t.value + c.n
    FROM (SELECT CASE WHEN a.http_status BETWEEN 200 AND 299 THEN 'webhook_attempts_ok'
                      ELSE 'webhook_attempts_error' END AS name,
                 count(*) AS n
            FROM internal.webhook_attempts a
            JOIN internal.webhook_deliveries d ON d.id = a.delivery_id
           WHERE d.status <> 'PENDING' AND d.finished_at < p_now - interval '30 days'
           GROUP BY 1) AS c
   WHERE t.name = c.name;
  DELETE FROM internal.webhook_deliveries d
   WHERE d.status <> 'PENDING' AND d.finished_at < p_now - interval '30 days';
  GET DIAGNOSTICS v_hooks = ROW_COUNT;
  RETURN jsonb_build_object('idempotencyKeys', v_keys, 'rateWindows', v_windows,
                            'persistedQueries', v_queries, 'webhookDeliveries', v_hooks);
END
$$;
