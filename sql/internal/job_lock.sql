-- internal.job_lock(id, worker): locks a generation, and its queue row, for a
-- scheduler transition (internal.jobs_lock).
-- Returns the row when its status is CANCELLED (the caller answers
-- {"cancelled":true} and the scheduler drops the job) or when p_worker holds
-- its lease. Raises QA404 for an unknown id and QA409 when the lease is held
-- by another worker or by nobody (lost lease: another scheduler took the job
-- over, or it already finished). An expired lease still counts as held until
-- someone else claims the job: the work done under it is not thrown away.
CREATE OR REPLACE FUNCTION internal.job_lock(p_id text, p_worker text)
RETURNS internal.generations
LANGUAGE plpgsql
AS $$
DECLARE
  v_gen   internal.generations;
  v_owner text;
BEGIN
  PERFORM internal.jobs_lock(ARRAY[p_id]);
  SELECT g.* INTO v_gen FROM internal.generations g WHERE g.id = p_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'QA404', MESSAGE = format('Generation %s not found.', p_id);
  END IF;
  IF v_gen.status = 'CANCELLED' THEN
    RETURN v_gen;
  END IF;
  SELECT q.lease_owner INTO v_owner FROM internal.job_queue q WHERE q.generation_id = p_id;
  IF v_owner IS DISTINCT FROM p_worker THEN
    RAISE EXCEPTION USING ERRCODE = 'QA409',
      MESSAGE = format('Worker %s does not hold the lease on generation %s (%s).', p_worker, p_id, v_gen.status),
      DETAIL = jsonb_build_object('status', v_gen.status, 'leaseOwner', v_owner)::text;
  END IF;
  RETURN v_gen;
END
$$;
