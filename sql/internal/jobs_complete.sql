-- internal.jobs_complete(worker, items, now): completes many jobs at once,
-- set-based, with the rules of one completion: each item {"id", "url",
-- "metadata"} whose job p_worker leases becomes COMPLETED with progress 100,
-- the url, metadata (MediaMetadata fields only) and completed_at (a PENDING
-- job steps through PROCESSING so the state machine holds); its open
-- attempt is closed COMPLETED, or a closed one recorded when it had none;
-- its reserved credits are captured (internal.ledger_post_many); its
-- webhook is queued (internal.webhooks_enqueue); a live job's provider
-- counts as healthy. Returns a JSON array in item order of {"id", "ok":
-- true}, {"id", "ok": true, "cancelled": true} (cancelled meanwhile:
-- nothing changes), or {"id", "ok": false, "error": {"sqlstate",
-- "message"}}: QA400 no or too long a url, QA404 unknown id, QA409 lease
-- not held (or already finished). Before anything is written it locks the
-- items' generations and queue rows (internal.jobs_lock); their wallets, by
-- (account, mode), only before the ledger step, its last, so they are held
-- for the shortest time: the order of internal.jobs_report and
-- internal.generation_cancel.
-- internal.job_complete is this for one.
CREATE OR REPLACE FUNCTION internal.jobs_complete(p_worker text, p_items jsonb, p_now timestamptz)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
  v_judged jsonb;
  v_ok     text[];
  v_closed text[];
BEGIN
  -- Lock the jobs and their queue rows, then judge each item.
  PERFORM internal.jobs_lock(ARRAY(SELECT e->>'id' FROM jsonb_array_elements(p_items) e));
  WITH items AS (
    SELECT x.ord, x.e->>'id' AS id, x.e->>'url' AS url, x.e->'metadata' AS meta,
           row_number() OVER (PARTITION BY x.e->>'id' ORDER BY x.ord) AS nth
      FROM jsonb_array_elements(p_items) WITH ORDINALITY AS x(e, ord)
  ), judged AS (
    SELECT i.ord, i.id, i.url, i.meta,
           CASE WHEN g.id IS NULL THEN 'QA404'
                WHEN g.status = 'CANCELLED' THEN NULL
                WHEN i.nth > 1 OR q.lease_owner IS DISTINCT FROM p_worker
                     OR g.status NOT IN ('PENDING', 'PROCESSING') THEN 'QA409'
                WHEN i.url IS NULL OR i.url = '' OR octet_length(i.url) > 2048 THEN 'QA400' END AS sqlstate,
           CASE WHEN g.id IS NULL THEN format('Generation %s not found.', i.id)
                WHEN g.status = 'CANCELLED' THEN NULL
                WHEN i.nth > 1 THEN format('Generation %s is listed twice.', i.id)
                WHEN q.lease_owner IS DISTINCT FROM p_worker OR g.status NOT IN ('PENDING', 'PROCESSING') THEN
                  format('Worker %s does not hold the lease on generation %s (%s).', p_worker, i.id, g.status)
                WHEN i.url IS NULL OR i.url = '' OR octet_length(i.url) > 2048 THEN
                  'A completed job needs a result URL of at most 2048 bytes.' END AS message,
           g.status = 'CANCELLED' AS cancelled
      FROM items i LEFT JOIN internal.generations g ON g.id = i.id
                   LEFT JOIN internal.job_queue q ON q.generation_id = i.id
  )
  SELECT jsonb_agg(to_jsonb(j) ORDER BY j.ord),
         array_agg(j.id ORDER BY j.id) FILTER (WHERE j.sqlstate IS NULL AND NOT j.cancelled)
    INTO v_judged, v_ok
    FROM judged j;

  IF v_ok IS NOT NULL THEN
    PERFORM internal.provider_health(p.provider, true, p_now)
       FROM (SELECT DISTINCT g.provider FROM internal.generations g
              WHERE g.id = ANY (v_ok) AND NOT g.test_mode ORDER BY 1) p;

    UPDATE internal.generations g SET status = 'PROCESSING', started_at = coalesce(g.started_at, p_now)
     WHERE g.id = ANY (v_ok) AND g.status = 'PENDING';
    UPDATE internal.generations g
       SET status = 'COMPLETED', progress = 100, url = i.url,
           metadata = internal.metadata_clean(i.meta), awaiting_submit = false, completed_at = p_now
      FROM jsonb_to_recordset(v_judged) AS i(id text, url text, meta jsonb)
     WHERE g.id = i.id AND g.id = ANY (v_ok);

    WITH closed AS (
      UPDATE internal.generation_attempts a
         SET status = 'COMPLETED', finished_at = p_now, error_code = NULL, error_message = NULL,
             upstream_task_id = coalesce(g.upstream_task_id, a.upstream_task_id)
        FROM internal.generations g
       WHERE g.id = ANY (v_ok) AND a.generation_id = g.id AND a.finished_at IS NULL
      RETURNING a.generation_id
    )
    SELECT array_agg(c.generation_id) INTO v_closed FROM closed c;
    INSERT INTO internal.generation_attempts
      (generation_id, attempt_no, provider, model, status, upstream_task_id, started_at, finished_at)
    SELECT g.id, coalesce((SELECT max(a.attempt_no) FROM internal.generation_attempts a
                            WHERE a.generation_id = g.id), 0) + 1,
           g.provider, g.model, 'COMPLETED', g.upstream_task_id, p_now, p_now
      FROM internal.generations g
     WHERE g.id = ANY (v_ok) AND g.id <> ALL (coalesce(v_closed, '{}'));

    PERFORM internal.webhooks_enqueue(v_ok, p_now);

    -- The wallets last: their locks are held from here to the commit only.
    PERFORM internal.wallets_lock(v_ok);
    PERFORM internal.ledger_post_many('capture', v_ok, 'generation completed', p_now);
  END IF;

  RETURN coalesce((
    SELECT jsonb_agg(CASE
             WHEN j.cancelled THEN jsonb_build_object('id', j.id, 'ok', true, 'cancelled', true)
             WHEN j.sqlstate IS NULL THEN jsonb_build_object('id', j.id, 'ok', true)
             ELSE jsonb_build_object('id', j.id, 'ok', false,
                                     'error', jsonb_build_object('sqlstate', j.sqlstate, 'message', j.message)) END
           ORDER BY j.ord)
      FROM jsonb_to_recordset(v_judged) AS j(ord bigint, id text, sqlstate text, message text, cancelled boolean)),
    '[]'::jsonb);
END
$$;
