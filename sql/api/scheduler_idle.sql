-- api.scheduler_idle() -> JSON true when this session now holds the scheduler's
-- idle lock (internal.jobs_notify has the protocol): new jobs will NOTIFY
-- until api.scheduler_busy(). The caller must look for due work once more
-- before it sleeps. JSON false when a job is being created right now or another
-- scheduler sleeps: look again soon instead of sleeping a whole tick.
-- Scheduler only.
CREATE OR REPLACE FUNCTION api.scheduler_idle()
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN to_jsonb(pg_try_advisory_lock(internal.scheduler_idle_key(), 0));
END
$$;

-- api.scheduler_busy(): drops the idle lock api.scheduler_idle took (new jobs
-- stop notifying). JSON true when it was held.
CREATE OR REPLACE FUNCTION api.scheduler_busy()
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN to_jsonb(pg_advisory_unlock(internal.scheduler_idle_key(), 0));
END
$$;
