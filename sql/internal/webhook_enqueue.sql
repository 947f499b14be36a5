-- internal.webhook_enqueue(generation, now): when a generation with a
-- webhookUrl has just become COMPLETED, FAILED or CANCELLED, queues its event
-- (SPEC §9) in the same transaction, so a finished job can never lose its
-- webhook. The body is fixed here, once: {"type", "timestamp" (when the
-- generation ended), "data": the generation as the API shows it}; every
-- attempt sends and signs these exact bytes under the same webhook-id. The
-- first attempt is due at once. A second call for the same event does
-- nothing (one delivery per generation end).
CREATE OR REPLACE FUNCTION internal.webhook_enqueue(p_gen internal.generations, p_now timestamptz)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_event text := 'generation.' || lower(p_gen.status);
BEGIN
  IF p_gen.webhook_url IS NULL OR p_gen.status NOT IN ('COMPLETED', 'FAILED', 'CANCELLED') THEN
    RETURN;
  END IF;
  INSERT INTO internal.webhook_deliveries
    (msg_id, account_id, generation_id, event, url, body, next_attempt_at, created_at)
  VALUES
    ('msg_' || left(encode(internal.random_bytes(13), 'hex'), 26), p_gen.account_id, p_gen.id,
     v_event, p_gen.webhook_url,
     jsonb_build_object('type', v_event,
                        'timestamp', internal.iso_time(coalesce(p_gen.completed_at, p_now)),
                        'data', internal.generation_json(p_gen))::text,
     p_now, p_now)
  ON CONFLICT ON CONSTRAINT webhook_deliveries_one_per_event DO NOTHING;
END
$$;
