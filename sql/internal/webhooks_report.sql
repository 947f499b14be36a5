-- internal.webhooks_report(worker, results, schedule, now): records one batch
-- of delivery attempts in one transaction. p_results is a JSON array of
-- {id, httpStatus (null when no response), error (null on a response),
-- durationMs, retryAfter (seconds, optional)}, or {id, "release": true} for
-- a delivery the worker claimed but did not attempt (its lease is dropped, no
-- attempt counted); elements for deliveries the worker no longer leases are
-- skipped (another worker took them over).
-- Each attempt is recorded (internal.webhook_attempts); a 2xx delivers; 410
-- Gone stops at once (the receiver asked for no more); anything else retries
-- after internal.webhook_retry_delay (p_schedule, NULL = SPEC §9's) or, when
-- the schedule is used up, FAILED. The lease and the due time are the queue
-- row's (internal.webhook_queue). Returns {"delivered", "retrying", "failed",
-- "released", "skipped"} counts.
CREATE OR REPLACE FUNCTION internal.webhooks_report(p_worker text, p_results jsonb,
                                                    p_schedule integer[], p_now timestamptz)
RETURNS jsonb
LANGUAGE plpgsql
-- Generic plans: sql/README.md "Scheduler batches: generic plans".
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
  v_counts jsonb;
BEGIN
  IF jsonb_typeof(p_results) IS DISTINCT FROM 'array' THEN
    PERFORM internal.raise_invalid(internal.problem('results must be a JSON array.', 'results'));
  END IF;
  -- Set-based: one statement for the whole batch (an id listed twice counts
  -- once). `o` is read four times, so PostgreSQL materializes it and each
  -- row's jittered delay is drawn once; the data-modifying CTEs always run.
  WITH r AS (
    SELECT DISTINCT ON ((e->>'id')::bigint)
           (e->>'id')::bigint AS id,
           (e->>'httpStatus')::integer AS http_status,
           left(e->>'error', 500) AS error,
           least((e->>'durationMs')::bigint, 2147483647)::integer AS duration_ms,
           (e->>'retryAfter')::integer AS retry_after,
           coalesce((e->>'release')::boolean, false) AS release
      FROM jsonb_array_elements(p_results) e
     ORDER BY (e->>'id')::bigint
  ), j AS (
    SELECT r.*, d.attempts
      FROM r JOIN internal.webhook_queue q ON q.delivery_id = r.id
             JOIN internal.webhook_deliveries d ON d.id = r.id
     WHERE q.lease_owner = p_worker AND d.status = 'PENDING'
     ORDER BY r.id
       FOR UPDATE OF q, d
  ), o AS (
    SELECT j.*, x.delay,
           CASE WHEN j.release THEN 'released'
                WHEN j.http_status BETWEEN 200 AND 299 THEN 'delivered'
                WHEN x.delay IS NULL THEN 'failed'
                ELSE 'retrying' END AS outcome,
           CASE WHEN j.http_status BETWEEN 200 AND 299 THEN NULL
                ELSE coalesce(j.error, 'HTTP ' || j.http_status) END AS failure
      FROM j, LATERAL (
        SELECT CASE WHEN j.release OR j.http_status BETWEEN 200 AND 299 OR j.http_status = 410 THEN NULL
                    ELSE internal.webhook_retry_delay(j.attempts + 1, p_schedule, j.http_status,
                                                      j.retry_after) END AS delay) x
  ), attempted AS (
    INSERT INTO internal.webhook_attempts (delivery_id, attempt_no, worker, finished_at, http_status,
                                           error, duration_ms)
    SELECT o.id, o.attempts + 1, p_worker, p_now, o.http_status, o.failure, o.duration_ms
      FROM o WHERE o.outcome <> 'released'
    RETURNING 1
  ), updated AS (
    UPDATE internal.webhook_deliveries d
       SET attempts = d.attempts + CASE WHEN o.outcome = 'released' THEN 0 ELSE 1 END,
           status = CASE o.outcome WHEN 'delivered' THEN 'DELIVERED' WHEN 'failed' THEN 'FAILED'
                                   ELSE 'PENDING' END,
           finished_at = CASE WHEN o.outcome IN ('delivered', 'failed') THEN p_now END,
           last_http_status = CASE WHEN o.outcome = 'released' THEN d.last_http_status ELSE o.http_status END,
           last_error = CASE WHEN o.outcome = 'released' THEN d.last_error ELSE o.failure END
      FROM o
     WHERE d.id = o.id
    RETURNING 1
  ), requeued AS (
    -- A delivery that stays PENDING keeps its queue row, unleased; the
    -- others' rows go with their status (internal.webhook_queue_sync).
    UPDATE internal.webhook_queue q
       SET next_attempt_at = CASE WHEN o.outcome = 'retrying' THEN p_now + make_interval(secs => o.delay)
                                  ELSE q.next_attempt_at END,
           lease_owner = NULL,
           lease_until = NULL
      FROM o
     WHERE q.delivery_id = o.id AND o.outcome IN ('retrying', 'released')
    RETURNING 1
  )
  SELECT jsonb_build_object(
           'delivered', count(*) FILTER (WHERE o.outcome = 'delivered'),
           'retrying', count(*) FILTER (WHERE o.outcome = 'retrying'),
           'failed', count(*) FILTER (WHERE o.outcome = 'failed'),
           'released', count(*) FILTER (WHERE o.outcome = 'released'),
           'skipped', jsonb_array_length(p_results) - count(*))
    INTO v_counts
    FROM o;
  RETURN v_counts;
END
$$;
