-- admin.stats(since) -> what happened since `since` ('24h' by default: a
-- number with s, m, h or d, or a timestamp) up to now:
--   {"from": iso, "to": iso, "accounts": N,
--    "generations": {"PENDING": n, ..., "CANCELLED": n, "total": n},
--    "providers": [{"provider", "total", "completed", "failed", "cancelled",
--                   "active", "failureRate"}, ...]  (busiest first),
--    "credits": {"spent": n, "refunded": n, "toppedUp": n, "spentTestMode": n},
--    "webhooks": {"delivered": n, "failed": n, "pending": n, "failedAttempts": n}}
-- Generations count by creation time; credits by ledger time (spent =
-- captured live credits, refunded = released reservations); webhooks by
-- delivery creation, failedAttempts = attempts without a 2xx answer. A
-- `since` that is neither form is QA400.
CREATE OR REPLACE FUNCTION admin.stats(p_since text DEFAULT '24h')
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_now  timestamptz := now();
  v_from timestamptz;
  v_gens jsonb;
BEGIN
  p_since := coalesce(p_since, '24h');
  IF p_since ~ '^[0-9]{1,6}[smhd]$' THEN
    v_from := v_now - (left(p_since, -1) || CASE right(p_since, 1) WHEN 's' THEN ' seconds' WHEN 'm' THEN ' minutes'
                                                                   WHEN 'h' THEN ' hours' ELSE ' days' END)::interval;
  ELSE
    BEGIN
      v_from := p_since::timestamptz;
    EXCEPTION WHEN others THEN
      RAISE EXCEPTION USING ERRCODE = 'QA400',
        MESSAGE = format('--since %s: give a duration (30m, 24h, 7d) or a timestamp (2026-11-01 or 2026-11-01T12:00:00Z).', p_since);
    END;
  END IF;

  SELECT jsonb_object_agg(s.status, coalesce(c.n, 0)) || jsonb_build_object('total', coalesce(sum(c.n), 0))
    INTO v_gens
    FROM unnest(ARRAY['PENDING', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED']) AS s(status)
    LEFT JOIN (SELECT g.status, count(*) AS n FROM internal.generations g
                WHERE g.created_at >= v_from GROUP BY g.status) AS c ON c.status = s.status;

  RETURN jsonb_build_object(
    'from', internal.iso_time(v_from),
    'to', internal.iso_time(v_now),
    'accounts', (SELECT count(*) FROM internal.accounts),
    'generations', v_gens,
    'providers', (
      SELECT coalesce(jsonb_agg(jsonb_build_object(
               'provider', p.provider, 'total', p.total, 'completed', p.completed, 'failed', p.failed,
               'cancelled', p.cancelled, 'active', p.total - p.completed - p.failed - p.cancelled,
               'failureRate', CASE WHEN p.completed + p.failed = 0 THEN NULL
                                   ELSE round(p.failed::numeric / (p.completed + p.failed), 3) END)
             ORDER BY p.total DESC, p.provider), '[]'::jsonb)
        FROM (SELECT coalesce(g.provider, '-') AS provider, count(*) AS total,
                     count(*) FILTER (WHERE g.status = 'COMPLETED') AS completed,
                     count(*) FILTER (WHERE g.status = 'FAILED') AS failed,
                     count(*) FILTER (WHERE g.status = 'CANCELLED') AS cancelled
                FROM internal.generations g
               WHERE g.created_at >= v_from
               GROUP BY 1) AS p),
    'credits', (
      SELECT jsonb_build_object(
               'spent', coalesce(-sum(l.balance_delta) FILTER (WHERE l.kind = 'capture' AND NOT l.test_mode), 0),
               'refunded', coalesce(-sum(l.reserved_delta) FILTER (WHERE l.kind = 'release' AND NOT l.test_mode), 0),
               'toppedUp', coalesce(sum(l.balance_delta) FILTER (WHERE l.kind = 'topup' AND NOT l.test_mode), 0),
               'spentTestMode', coalesce(-sum(l.balance_delta) FILTER (WHERE l.kind = 'capture' AND l.test_mode), 0))
        FROM internal.credit_ledger l
       WHERE l.created_at >= v_from),
    'webhooks', (
      SELECT jsonb_build_object(
               'delivered', count(*) FILTER (WHERE d.status = 'DELIVERED'),
               'failed', count(*) FILTER (WHERE d.status = 'FAILED'),
               'pending', count(*) FILTER (WHERE d.status = 'PENDING'),
               'failedAttempts', (SELECT count(*) FROM internal.webhook_attempts a
                                   WHERE a.finished_at >= v_from
                                     AND (a.http_status IS NULL OR a.http_status NOT BETWEEN 200 AND 299)))
        FROM internal.webhook_deliveries d
       WHERE d.created_at >= v_from));
END
$$;
