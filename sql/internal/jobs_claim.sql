-- internal.jobs_claim(worker, limit, lease seconds, now): claims up to p_limit
-- (1..1000) due jobs for p_worker and returns them as a JSON array of
-- internal.job_json, most overdue first. Due = in internal.job_queue (so
-- PENDING or PROCESSING), next_run_at <= now, and no lease or an expired one
-- (a crashed scheduler's jobs come back when its lease ends). FOR UPDATE
-- SKIP LOCKED on the queue rows lets any number of schedulers claim at once
-- without blocking on or double-claiming a job, and skips the jobs whose
-- transition holds their queue row (internal.job_lock). Writes only the
-- lease of the queue rows; the generations are read, not locked.
CREATE OR REPLACE FUNCTION internal.jobs_claim(p_worker text, p_limit integer,
                                               p_lease_seconds integer, p_now timestamptz)
RETURNS json
LANGUAGE plpgsql
-- Generic plans: sql/README.md "Scheduler batches: generic plans".
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
  v_ids text[];
  v_out json;
BEGIN
  PERFORM internal.claim_check(p_worker, p_lease_seconds);

  -- The due jobs' ids first, then the lease by id: in one statement the
  -- generic plan (the limit unknown) joined them to a sequential scan of the
  -- whole queue.
  SELECT array_agg(d.generation_id) INTO v_ids
    FROM (SELECT q.generation_id
            FROM internal.job_queue q
           WHERE q.next_run_at <= p_now
             AND (q.lease_until IS NULL OR q.lease_until <= p_now)
           ORDER BY q.next_run_at, q.generation_id
           LIMIT least(greatest(coalesce(p_limit, 1), 1), 1000)
             FOR UPDATE SKIP LOCKED) d;
  IF v_ids IS NULL THEN
    RETURN '[]'::json;
  END IF;

  WITH leased AS (
    UPDATE internal.job_queue q
       SET lease_owner = p_worker,
           lease_until = p_now + make_interval(secs => p_lease_seconds)
     WHERE q.generation_id = ANY (v_ids)
    RETURNING q.generation_id, q.next_run_at
  ), claimed AS (
    SELECT g, l.next_run_at
      FROM leased l JOIN internal.generations g ON g.id = l.generation_id
  ), prov AS MATERIALIZED (
    -- Each provider's option defaults once per batch, not once per job
    -- (MATERIALIZED: inlined, the call ran once per claimed row).
    SELECT p AS provider, internal.option_defaults(p.options) AS defaults
      FROM internal.providers p
     WHERE p.id IN (SELECT (c.g).provider FROM claimed c)
  )
  SELECT coalesce(json_agg(internal.job_json(c.g, v.provider, a.n, a.in_flight, a.open_start, v.defaults)
                           ORDER BY c.next_run_at, (c.g).id), '[]'::json)
    INTO v_out
    FROM claimed c
    JOIN prov v ON (v.provider).id = (c.g).provider
    CROSS JOIN LATERAL (
      SELECT count(*) AS n,
             coalesce(bool_or(t.finished_at IS NULL AND t.status = 'PENDING'), false) AS in_flight,
             max(t.started_at) FILTER (WHERE t.finished_at IS NULL) AS open_start
        FROM internal.generation_attempts t
       WHERE t.generation_id = (c.g).id) a;
  RETURN v_out;
END
$$;
