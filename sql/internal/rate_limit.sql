-- internal.rate_limit(principal, now) -> {"limit", "remaining", "reset",
-- "dailyLimit", "dailyRemaining", "dailyReset"}: counts this request in the
-- account's minute and day windows (internal.rate_window_hit) and raises
-- QA429 (internal.raise_rate_limit) when either is now over its limit.
-- Every authenticated request comes through here, also one with no fields.
-- When both are exceeded the day is reported: its resetIn is the real wait.
-- Limits and remaining are null when unlimited; reset is always the seconds
-- until the window resets (X-RateLimit-Reset as the documented clients read it).
CREATE OR REPLACE FUNCTION internal.rate_limit(p_who internal.principal, p_now timestamptz)
RETURNS jsonb
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_min jsonb := internal.rate_window_hit(p_who.account_id, 'minute', p_who.rpm, p_now);
  v_day jsonb := internal.rate_window_hit(p_who.account_id, 'day', p_who.daily, p_now);
BEGIN
  IF (v_day->>'hits')::integer > p_who.daily THEN
    PERFORM internal.raise_rate_limit('day', p_who.daily, (v_day->>'reset')::integer,
      format('Rate limit exceeded: %s requests per day.', p_who.daily));
  END IF;
  IF (v_min->>'hits')::integer > p_who.rpm THEN
    PERFORM internal.raise_rate_limit('minute', p_who.rpm, (v_min->>'reset')::integer,
      format('Rate limit exceeded: %s requests per minute.', p_who.rpm));
  END IF;
  RETURN jsonb_build_object(
    'limit', p_who.rpm,
    'remaining', p_who.rpm - (v_min->>'hits')::integer,
    'reset', v_min->'reset',
    'dailyLimit', p_who.daily,
    'dailyRemaining', p_who.daily - (v_day->>'hits')::integer,
    'dailyReset', v_day->'reset');
END
$$;
