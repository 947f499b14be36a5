-- internal.webhooks_claim(worker, limit, lease seconds, now): claims up to
-- p_limit (1..1000) due webhook deliveries for p_worker, most overdue first,
-- and returns what the sender needs as a JSON array of {id, msgId, url,
-- body, attempt (the number this try will have), secrets: the account's
-- signing secrets now, current first}. Due = in internal.webhook_queue (so
-- PENDING), next_attempt_at <= now, and no lease or an expired one (a crashed
-- scheduler's deliveries come back when its lease ends). FOR UPDATE SKIP
-- LOCKED on the queue rows, as internal.jobs_claim; writes only their lease.
-- json, not jsonb, as internal.jobs_claim (internal.job_json says why): the
-- sender parses the text, and jsonb cost ~12 us more per delivery.
CREATE OR REPLACE FUNCTION internal.webhooks_claim(p_worker text, p_limit integer,
                                                   p_lease_seconds integer, p_now timestamptz)
RETURNS json
LANGUAGE plpgsql
-- Generic plans: sql/README.md "Scheduler batches: generic plans".
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
  v_ids bigint[];
  v_out json;
BEGIN
  PERFORM internal.claim_check(p_worker, p_lease_seconds);

  -- The due ids first, then the lease by id (internal.jobs_claim says why).
  SELECT array_agg(d.delivery_id) INTO v_ids
    FROM (SELECT q.delivery_id
            FROM internal.webhook_queue q
           WHERE q.next_attempt_at <= p_now
             AND (q.lease_until IS NULL OR q.lease_until <= p_now)
           ORDER BY q.next_attempt_at, q.delivery_id
           LIMIT least(greatest(coalesce(p_limit, 1), 1), 1000)
             FOR UPDATE SKIP LOCKED) d;
  IF v_ids IS NULL THEN
    RETURN '[]'::json;
  END IF;

  WITH leased AS (
    UPDATE internal.webhook_queue q
       SET lease_owner = p_worker,
           lease_until = p_now + make_interval(secs => p_lease_seconds)
     WHERE q.delivery_id = ANY (v_ids)
    RETURNING q.delivery_id, q.next_attempt_at
  ), claimed AS (
    SELECT d.id, d.msg_id, d.url, d.body, d.attempts, d.account_id, l.next_attempt_at
      FROM leased l JOIN internal.webhook_deliveries d ON d.id = l.delivery_id
  ), secrets AS (
    SELECT a.id AS account_id, internal.webhook_secrets(a.id, p_now) AS list
      FROM internal.accounts a
     WHERE a.id IN (SELECT c.account_id FROM claimed c)
  )
  SELECT coalesce(json_agg(json_build_object(
           'id', c.id, 'msgId', c.msg_id, 'url', c.url, 'body', c.body,
           'attempt', c.attempts + 1, 'secrets', to_json(s.list))
         ORDER BY c.next_attempt_at, c.id), '[]'::json)
    INTO v_out
    FROM claimed c
    JOIN secrets s ON s.account_id = c.account_id;
  RETURN v_out;
END
$$;
