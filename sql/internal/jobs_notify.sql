-- internal.jobs_notify(id): wakes a sleeping doitong-scheduler --loop for a
-- new job, and only when one sleeps. A NOTIFY holds a cluster-wide lock
-- across its transaction's commit, so a NOTIFY in every generate serialises
-- all their commits (about a fifth of generate's throughput at 8
-- connections); under load the schedulers are busy and need no wake-up.
--
-- Protocol, on the advisory lock (internal.scheduler_idle_key(), 0), a
-- two-integer key, so that it cannot collide with the 64-bit hashes of the
-- Idempotency-Key locks (internal.idempotency_lock):
--  * a scheduler about to sleep takes it exclusively for its session
--    (api.scheduler_idle), looks for due work once more, sleeps on LISTEN
--    doitong_jobs, and drops it when it wakes (api.scheduler_busy);
--  * a new job takes it shared until its transaction ends, after the job's
--    row is written: when that fails, a scheduler sleeps, so it notifies.
-- No job is missed: a job whose shared lock was granted commits (or rolls
-- back) before any scheduler can take the lock exclusively, and so is seen
-- by the scheduler's look after taking it; any later job finds the lock
-- held and notifies. Schedulers also wake every second (the tick).
CREATE OR REPLACE FUNCTION internal.scheduler_idle_key()
RETURNS integer
LANGUAGE sql IMMUTABLE
AS $$ SELECT 1685023092 $$;  -- 0x646f6974, "doit"; any constant would do

CREATE OR REPLACE FUNCTION internal.jobs_notify(p_id text)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
  IF NOT pg_try_advisory_xact_lock_shared(internal.scheduler_idle_key(), 0) THEN
    PERFORM pg_notify('doitong_jobs', p_id);
  END IF;
END
$$;
