-- internal.jobs_lock(generation ids): locks the listed generations, then
-- their queue rows, each by id: the first locks of every scheduler
-- transition (internal.job_lock for one job, internal.jobs_report and
-- internal.jobs_complete for a batch). Holding the queue row keeps a claim
-- (SKIP LOCKED) from taking the job over meanwhile. Wallets come after,
-- through internal.wallets_lock. Locks already held cost no write, so a
-- batch function may call it again for the ids its caller locked.
CREATE OR REPLACE FUNCTION internal.jobs_lock(p_ids text[])
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
  PERFORM 1 FROM internal.generations g WHERE g.id = ANY (p_ids) ORDER BY g.id FOR UPDATE;
  PERFORM 1 FROM internal.job_queue q WHERE q.generation_id = ANY (p_ids) ORDER BY q.generation_id FOR UPDATE;
END
$$;
