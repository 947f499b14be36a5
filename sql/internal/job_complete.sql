-- internal.job_complete(id, worker, url, metadata, now): internal.jobs_complete
-- for one job, raising its error. The result is stored
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
AS $$
DECLARE
  v_res jsonb := internal.jobs_complete(p_worker, jsonb_build_array(jsonb_build_object(
                   'id', p_id, 'url', p_url, 'metadata', p_metadata)), p_now)->0;
BEGIN
  IF (v_res->>'cancelled')::boolean THEN
    RETURN '{"cancelled":true}'::jsonb;
  END IF;
  IF NOT (v_res->>'ok')::boolean THEN
    IF v_res->'error'->>'sqlstate' = 'QA400' THEN
      PERFORM internal.raise_invalid(internal.problem(v_res->'error'->>'message', 'url'));
    END IF;
    RAISE EXCEPTION USING ERRCODE = v_res->'error'->>'sqlstate', MESSAGE = v_res->'error'->>'message';
  END IF;
  RETURN (SELECT internal.generation_json(g) FROM internal.generations g WHERE g.id = p_id);
END
$$;
