-- internal.rate_window_read(account, kind, limit, now) -> {"limit",
-- "remaining", "reset"}: the state of the account's current 'minute' or
-- 'day' window WITHOUT counting a hit (query account reports it; the request
-- itself was already counted by internal.rate_limit in the same transaction,
-- so the row read here includes it). Mirrors internal.rate_limit: a
-- stored window newer than the clock's (a clock that stepped back) is the
-- current one; an older stored window has passed (remaining = the limit).
-- Unlimited (NULL limit): limit and remaining null, reset still the seconds
-- until the aligned window ends (RateLimitStatus.resetIn is non-null).
CREATE OR REPLACE FUNCTION internal.rate_window_read(p_account text, p_kind text, p_limit integer,
                                                     p_now timestamptz)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
  v_len   integer := CASE p_kind WHEN 'minute' THEN 60 WHEN 'day' THEN 86400 END;
  v_start  timestamptz;
  v_stored timestamptz;
  v_hits   integer;
BEGIN
  IF v_len IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = format('unknown rate window kind %s', p_kind);
  END IF;
  v_start := pg_catalog.to_timestamp((floor(extract(epoch FROM p_now) / v_len) * v_len)::double precision);
  SELECT CASE p_kind WHEN 'minute' THEN w.minute_start ELSE w.day_start END,
         CASE p_kind WHEN 'minute' THEN w.minute_hits ELSE w.day_hits END
    INTO v_stored, v_hits
    FROM internal.rate_windows w WHERE w.account_id = p_account;
  IF FOUND AND v_stored >= v_start THEN
    v_start := v_stored;
  ELSE
    v_hits := 0;
  END IF;
  RETURN jsonb_build_object(
    'limit', p_limit,
    -- CASE, not GREATEST alone: GREATEST ignores a NULL and would say 0.
    'remaining', CASE WHEN p_limit IS NOT NULL THEN GREATEST(0, p_limit - v_hits) END,
    'reset', GREATEST(1, ceil(extract(epoch FROM v_start + make_interval(secs => v_len) - p_now)))::integer);
END
$$;
