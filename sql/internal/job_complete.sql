-- internal.job_complete(id, worker, url, metadata, now): the result is stored
-- at p_url. COMPLETED with progress 100, url, metadata (MediaMetadata fields
-- only), completed_at; the reserved credits are captured (ledger 'capture');
-- the attempt is closed; a live job's provider counts as healthy; the
-- webhook is queued. A synchronous upstream may complete a PENDING job
-- directly: it steps through PROCESSING in this transaction so the state
-- machine holds. Requires p_worker's lease (QA409) and a non-empty url (QA400).
-- Returns the generation JSON (for the webhook), or {"cancelled":true}.
CREATE OR REPLACE FUNCTION internal.job_complete(p_id text, p_worker text, p_url text,
                                                 p_metadata jsonb, p_now timestamptz)
RETURNS jsonb
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_gen internal.generations := internal.job_lock(p_id, p_worker);
BEGIN
  IF v_gen.status = 'CANCELLED' THEN
    RETURN '{"cancelled":true}'::jsonb;
  END IF;
  IF p_url IS NULL OR p_url = '' OR octet_length(p_url) > 2048 THEN
    PERFORM internal.raise_invalid(internal.problem('A completed job needs a result URL of at most 2048 bytes.', 'url'));
  END IF;
  IF NOT v_gen.test_mode THEN
    PERFORM internal.provider_health(v_gen.provider, true, p_now);
  END IF;
  IF v_gen.awaiting_submit THEN
    PERFORM internal.attempt_open(v_gen, 'PROCESSING', p_now);
  END IF;
  IF v_gen.status = 'PENDING' THEN
    UPDATE internal.generations g SET status = 'PROCESSING', started_at = coalesce(g.started_at, p_now)
     WHERE g.id = p_id RETURNING g.* INTO v_gen;
  END IF;

  UPDATE internal.generations g
     SET status = 'COMPLETED',
         progress = 100,
         url = p_url,
         metadata = internal.metadata_clean(p_metadata),
         awaiting_submit = false,
         completed_at = p_now
   WHERE g.id = p_id
  RETURNING g.* INTO v_gen;
  PERFORM internal.attempt_close(v_gen, 'COMPLETED', NULL, NULL, NULL, true, p_now);
  PERFORM internal.credits_settle(v_gen, 'capture', p_now);
  PERFORM internal.webhook_enqueue(v_gen, p_now);
  RETURN internal.generation_json(v_gen);
END
$$;
