-- internal.idempotency_replay(principal, key, fingerprint, now) -> the stored
-- results array to replay, or NULL when the request must execute (the key was
-- never used, or its row is at least 24 hours old by p_now). Raises QA422
-- (HTTP 422 IDEMPOTENCY_CONFLICT) when the key was used with another request.
-- Call with the key's lock held (internal.idempotency_lock): the row read
-- then includes whatever a concurrent first request committed.
CREATE OR REPLACE FUNCTION internal.idempotency_replay(p_who internal.principal, p_key text,
                                                       p_fingerprint text, p_now timestamptz)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
  v_row internal.idempotency_keys;
BEGIN
  SELECT k.* INTO v_row
    FROM internal.idempotency_keys k
   WHERE k.account_id = p_who.account_id AND k.test_mode = p_who.test_mode AND k.idem_key = p_key;
  IF NOT FOUND OR v_row.created_at <= p_now - internal.idempotency_ttl() THEN
    RETURN NULL;
  END IF;
  IF v_row.fingerprint IS DISTINCT FROM p_fingerprint THEN
    RAISE EXCEPTION USING ERRCODE = 'QA422',
      MESSAGE = 'This Idempotency-Key was already used with a different request.';
  END IF;
  RETURN v_row.results;
END
$$;
