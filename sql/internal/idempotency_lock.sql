-- internal.idempotency_lock(principal, key, wait): serialises requests with the
-- same (account, mode, Idempotency-Key) with a transaction-level advisory
-- lock, so a duplicate sent while the first is executing waits for it and then
-- replays its stored results. Raises QA423 (HTTP 409 IDEMPOTENCY_CONFLICT,
-- DETAIL {"retryAfter":1}) when the lock is not free within p_wait: the
-- first request is still executing. The session's lock_timeout is restored
-- afterwards so it does not shorten the waits of the fields that follow.
-- The lock key is a 64-bit hash; a collision only makes two unrelated keys
-- wait for each other, never share results (the row lookup is exact).
CREATE OR REPLACE FUNCTION internal.idempotency_lock(p_who internal.principal, p_key text, p_wait interval)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
  v_old  text;
  v_lock bigint := hashtextextended(format('doitong.idempotency:%s:%s:%s',
                                           p_who.account_id, p_who.test_mode, p_key), 0);
BEGIN
  -- Almost always nobody holds the key: take it without the timeout's
  -- set-up and the subtransaction of the EXCEPTION block below.
  IF pg_try_advisory_xact_lock(v_lock) THEN
    RETURN;
  END IF;
  v_old := current_setting('lock_timeout');
  PERFORM set_config('lock_timeout', (ceil(extract(epoch FROM p_wait) * 1000))::bigint || 'ms', true);
  BEGIN
    PERFORM pg_advisory_xact_lock(v_lock);
  EXCEPTION WHEN lock_not_available THEN
    RAISE EXCEPTION USING
      ERRCODE = 'QA423',
      MESSAGE = 'A request with this Idempotency-Key is still being processed; retry shortly.',
      DETAIL = '{"retryAfter":1}';
  END;
  PERFORM set_config('lock_timeout', v_old, true);
END
$$;
