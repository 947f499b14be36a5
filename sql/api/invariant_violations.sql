-- api.invariant_violations(now) -> one row per broken promise that the data
-- can show (issue 10 item 6; `doitong-admin doctor --invariants` prints them).
-- No rows = every check holds. Read-only; run on a live database at any time.
--   balance_mismatch          a wallet's balance or reserved differs from its ledger sums
--   orphan_reservation        an unsettled reservation whose generation is missing or finished
--   unreserved_generation     a live (PENDING/PROCESSING) generation with no reservation
--   stuck_generation          a live generation older than its provider's time
--                             limit plus a grace of 10 minutes (the scheduler
--                             fails PROCESSING jobs past the limit on its next poll)
--   webhook_never_attempted   a finished generation with a webhookUrl but no
--                             delivery, or a delivery still unattempted 10
--                             minutes after it was due. Finished deliveries are
--                             purged after 30 days, so only generations that
--                             finished within 30 days are checked for a row.
--   queue_mismatch            a live generation missing from the scheduler's
--                             queue (no scheduler would ever run it), or a
--                             finished one still in it; the same for a
--                             PENDING webhook delivery and the webhook queue
--                             (subject: its webhook-id)
--   double_submission         a generation with more than one upstream attempt
--                             open or accepted at once (a fallback only opens a
--                             new attempt after the previous one FAILED), or
--                             two attempts naming the same upstream task
CREATE OR REPLACE FUNCTION api.invariant_violations(p_now timestamptz DEFAULT now())
RETURNS TABLE (kind text, subject text, detail text)
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  WITH sums AS (
    SELECT l.account_id, l.test_mode, sum(l.balance_delta) AS balance, sum(l.reserved_delta) AS reserved
      FROM internal.credit_ledger l
     GROUP BY l.account_id, l.test_mode
  ), reserves AS (
    SELECT l.generation_id, l.account_id, l.reserved_delta AS amount,
           EXISTS (SELECT 1 FROM internal.credit_ledger s
                    WHERE s.generation_id = l.generation_id AND s.kind IN ('capture', 'release')) AS settled
      FROM internal.credit_ledger l
     WHERE l.kind = 'reserve'
  )
  SELECT 'balance_mismatch',
         w.account_id || CASE WHEN w.test_mode THEN ' (test)' ELSE ' (live)' END,
         format('wallet balance %s reserved %s, ledger sums balance %s reserved %s',
                w.balance, w.reserved, coalesce(s.balance, 0), coalesce(s.reserved, 0))
    FROM internal.wallets w
    LEFT JOIN sums s ON s.account_id = w.account_id AND s.test_mode = w.test_mode
   WHERE w.balance <> coalesce(s.balance, 0) OR w.reserved <> coalesce(s.reserved, 0)
  UNION ALL
  SELECT 'orphan_reservation', r.generation_id,
         format('%s credits of %s reserved and never settled, but the generation is %s',
                r.amount, r.account_id, coalesce(g.status, 'missing'))
    FROM reserves r
    LEFT JOIN internal.generations g ON g.id = r.generation_id
   WHERE NOT r.settled AND (g.id IS NULL OR g.status NOT IN ('PENDING', 'PROCESSING'))
  UNION ALL
  SELECT 'unreserved_generation', g.id,
         format('%s generation of %s holds no reservation', g.status, g.account_id)
    FROM internal.generations g
   WHERE g.status IN ('PENDING', 'PROCESSING')
     AND NOT EXISTS (SELECT 1 FROM reserves r WHERE r.generation_id = g.id AND NOT r.settled)
  UNION ALL
  SELECT 'stuck_generation', g.id,
         format('%s on %s since %s, past its time limit of %s s (+ 10 min grace)', g.status, g.provider,
                internal.iso_time(coalesce(g.started_at, g.created_at)), p.time_limit_s)
    FROM internal.generations g
    JOIN internal.providers p ON p.id = g.provider
   WHERE g.status IN ('PENDING', 'PROCESSING')
     AND coalesce(g.started_at, g.created_at) + make_interval(secs => p.time_limit_s + 600) < p_now
  UNION ALL
  SELECT 'queue_mismatch', g.id,
         format('%s generation %s the scheduler''s queue', g.status,
                CASE WHEN q.generation_id IS NULL THEN 'missing from' ELSE 'still in' END)
    FROM internal.generations g
    LEFT JOIN internal.job_queue q ON q.generation_id = g.id
   WHERE (g.status IN ('PENDING', 'PROCESSING')) = (q.generation_id IS NULL)
  UNION ALL
  SELECT 'queue_mismatch', d.msg_id,
         format('%s webhook delivery %s the webhook queue', d.status,
                CASE WHEN q.delivery_id IS NULL THEN 'missing from' ELSE 'still in' END)
    FROM internal.webhook_deliveries d
    LEFT JOIN internal.webhook_queue q ON q.delivery_id = d.id
   WHERE (d.status = 'PENDING') = (q.delivery_id IS NULL)
  UNION ALL
  SELECT 'webhook_never_attempted', g.id,
         CASE WHEN d.id IS NULL
              THEN format('%s at %s with webhookUrl %s, but no delivery was queued', g.status,
                          internal.iso_time(g.completed_at), g.webhook_url)
              ELSE format('delivery %s due since %s was never attempted', d.msg_id,
                          internal.iso_time(d.created_at)) END
    FROM internal.generations g
    LEFT JOIN internal.webhook_deliveries d
      ON d.generation_id = g.id AND d.event = 'generation.' || lower(g.status)
   WHERE g.status IN ('COMPLETED', 'FAILED', 'CANCELLED')
     AND g.webhook_url IS NOT NULL
     AND ((d.id IS NULL AND coalesce(g.completed_at, g.created_at) > p_now - interval '30 days')
          OR (d.status = 'PENDING' AND d.attempts = 0 AND d.created_at < p_now - interval '10 minutes'))
  UNION ALL
  SELECT 'double_submission', a.generation_id,
         format('%s upstream attempts open or accepted at once (%s)', count(*),
                string_agg(a.attempt_no || ':' || a.provider || ':' || a.status, ', ' ORDER BY a.attempt_no))
    FROM internal.generation_attempts a
   WHERE a.status IN ('PENDING', 'PROCESSING', 'COMPLETED')
   GROUP BY a.generation_id
  HAVING count(*) > 1
  UNION ALL
  SELECT 'double_submission', a.generation_id,
         format('attempts %s share the upstream task %s on %s',
                string_agg(a.attempt_no::text, ', ' ORDER BY a.attempt_no), a.upstream_task_id, a.provider)
    FROM internal.generation_attempts a
   WHERE a.upstream_task_id IS NOT NULL
   GROUP BY a.generation_id, a.provider, a.upstream_task_id
  HAVING count(*) > 1
  ORDER BY 1, 2;
$$;
