-- internal.webhook_enqueue(generation, now): internal.webhooks_enqueue for
-- one generation.
CREATE OR REPLACE FUNCTION internal.webhook_enqueue(p_gen internal.generations, p_now timestamptz)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
  PERFORM internal.webhooks_enqueue(ARRAY[p_gen.id], p_now);
END
$$;

-- internal.webhooks_enqueue(generation ids, now): for each listed generation
-- with a webhookUrl that is COMPLETED, FAILED or CANCELLED, queues its event
-- (SPEC §9) in the same transaction, so a finished job can never lose its
-- webhook. The body is fixed here, once: {"type", "timestamp" (when the
-- generation ended), "data": the generation as the API shows it}; every
-- attempt sends and signs these exact bytes under the same webhook-id. The
-- first attempt is due at once (internal.webhook_queue_sync queues it). A
-- second call for the same event does nothing (one delivery per generation
-- end).
CREATE OR REPLACE FUNCTION internal.webhooks_enqueue(p_ids text[], p_now timestamptz)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
  INSERT INTO internal.webhook_deliveries
    (msg_id, account_id, generation_id, event, url, body, created_at)
  SELECT internal.webhook_msg_id(), g.account_id, g.id, 'generation.' || lower(g.status), g.webhook_url,
         jsonb_build_object('type', 'generation.' || lower(g.status),
                            'timestamp', internal.iso_time(coalesce(g.completed_at, p_now)),
                            'data', internal.generation_json(g))::text,
         p_now
    FROM internal.generations g
   WHERE g.id = ANY (p_ids)
     AND g.webhook_url IS NOT NULL
     AND g.status IN ('COMPLETED', 'FAILED', 'CANCELLED')
  ON CONFLICT ON CONSTRAINT webhook_deliveries_one_per_event DO NOTHING;
END
$$;
