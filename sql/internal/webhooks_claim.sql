-- internal.webhooks_claim(worker, limit, lease seconds, now): claims up to
-- p_limit (1..1000) due webhook deliveries for p_worker, most overdue first,
-- with FOR UPDATE SKIP LOCKED and a lease (a crashed scheduler's deliveries
-- come back when it ends), and returns what the sender needs as a JSON array
-- of {id, msgId, url, body, attempt (the number this try will have),
-- secrets: the account's signing secrets now, current first}.
CREATE OR REPLACE FUNCTION internal.webhooks_claim(p_worker text, p_limit integer,
                                                   p_lease_seconds integer, p_now timestamptz)
RETURNS jsonb
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
-- Generic plans: sql/README.md "Scheduler batches: generic plans".
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
  v_out jsonb;
BEGIN
  PERFORM internal.claim_check(p_worker, p_lease_seconds);

  WITH due AS (
    SELECT d.id
      FROM internal.webhook_deliveries d
     WHERE d.status = 'PENDING'
       AND d.next_attempt_at <= p_now
       AND (d.lease_until IS NULL OR d.lease_until <= p_now)
     ORDER BY d.next_attempt_at, d.id
     LIMIT least(greatest(coalesce(p_limit, 1), 1), 1000)
       FOR UPDATE SKIP LOCKED
  ), claimed AS (
    UPDATE internal.webhook_deliveries d
       SET lease_owner = p_worker,
           lease_until = p_now + make_interval(secs => p_lease_seconds)
      FROM due
     WHERE d.id = due.id
    RETURNING d.*
  ), secrets AS (
    SELECT a.id AS account_id, internal.webhook_secrets(a.id, p_now) AS list
      FROM internal.accounts a
     WHERE a.id IN (SELECT c.account_id FROM claimed c)
  )
  SELECT coalesce(jsonb_agg(jsonb_build_object(
           'id', c.id, 'msgId', c.msg_id, 'url', c.url, 'body', c.body,
           'attempt', c.attempts + 1, 'secrets', to_jsonb(s.list))
         ORDER BY c.next_attempt_at, c.id), '[]'::jsonb)
    INTO v_out
    FROM claimed c
    JOIN secrets s ON s.account_id = c.account_id;
  RETURN v_out;
END
$$;
