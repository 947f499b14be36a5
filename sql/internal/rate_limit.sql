-- internal.rate_limit(principal, now) -> {"limit", "remaining", "reset",
-- "dailyLimit", "dailyRemaining", "dailyReset"}: counts this request in the
-- account's minute and day windows and raises QA429
-- (internal.raise_rate_limit) when either is now over its limit.
-- Every authenticated request comes through here, also one with no fields.
-- When both are exceeded the day is reported: its resetIn is the real wait.
-- Limits and remaining are null when unlimited; reset is always the seconds
-- until the window resets (X-RateLimit-Reset as the documented clients read it).
--
-- Windows are fixed and aligned to the clock: 'minute' starts at
-- floor(epoch/60)*60, 'day' at UTC midnight. Both live in the account's one
-- row, counted by one INSERT ... ON CONFLICT DO UPDATE (every request pays
-- it): the row lock serialises an account's requests and the SET sees the
-- latest committed counts (reference/protocols.md §4.4); the lock is held
-- until commit, and a refusal aborts the transaction, which takes the hits
-- back. An account without any limit writes nothing, so unlimited accounts
-- neither pay for the write nor serialise on the row. A window older than
-- the stored one (a clock that stepped back) counts in the stored, newer
-- window instead of resetting it: never extra hits.
CREATE OR REPLACE FUNCTION internal.rate_limit(p_who internal.principal, p_now timestamptz)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
  v_epoch      double precision := extract(epoch FROM p_now);
  v_min_start  timestamptz := pg_catalog.to_timestamp(floor(v_epoch / 60) * 60);
  v_day_start  timestamptz := pg_catalog.to_timestamp(floor(v_epoch / 86400) * 86400);
  v_min_hits   integer;
  v_day_hits   integer;
  v_min_reset  integer;
  v_day_reset  integer;
BEGIN
  IF p_who.rpm IS NOT NULL OR p_who.daily IS NOT NULL THEN
    INSERT INTO internal.rate_windows AS w (account_id, minute_start, minute_hits, day_start, day_hits)
    VALUES (p_who.account_id, v_min_start, 1, v_day_start, 1)
    ON CONFLICT (account_id) DO UPDATE
       SET minute_hits  = CASE WHEN w.minute_start >= v_min_start THEN w.minute_hits + 1 ELSE 1 END,
           minute_start = GREATEST(w.minute_start, v_min_start),
           day_hits     = CASE WHEN w.day_start >= v_day_start THEN w.day_hits + 1 ELSE 1 END,
           day_start    = GREATEST(w.day_start, v_day_start)
    RETURNING w.minute_hits, w.minute_start, w.day_hits, w.day_start
         INTO v_min_hits, v_min_start, v_day_hits, v_day_start;
  END IF;
  v_min_reset := GREATEST(1, ceil(extract(epoch FROM v_min_start + interval '60 seconds' - p_now)))::integer;
  v_day_reset := GREATEST(1, ceil(extract(epoch FROM v_day_start + interval '86400 seconds' - p_now)))::integer;

  IF v_day_hits > p_who.daily THEN
    PERFORM internal.raise_rate_limit('day', p_who.daily, v_day_reset,
      format('Rate limit exceeded: %s requests per day.', p_who.daily));
  END IF;
  IF v_min_hits > p_who.rpm THEN
    PERFORM internal.raise_rate_limit('minute', p_who.rpm, v_min_reset,
      format('Rate limit exceeded: %s requests per minute.', p_who.rpm));
  END IF;
  RETURN jsonb_build_object(
    'limit', p_who.rpm,
    'remaining', p_who.rpm - v_min_hits,
    'reset', v_min_reset,
    'dailyLimit', p_who.daily,
    'dailyRemaining', p_who.daily - v_day_hits,
    'dailyReset', v_day_reset);
END
$$;
