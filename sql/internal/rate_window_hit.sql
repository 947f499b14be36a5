-- internal.rate_window_hit(account, kind, limit, now) -> {"limit", "hits",
-- "reset"}: counts one request in the account's current fixed window of kind
-- 'minute' (60 s, aligned to floor(epoch/60)*60) or 'day' (UTC midnight) and
-- reports the hits in that window including this one, and the seconds until
-- the window resets (>= 1). Does not refuse: internal.rate_limit decides, and
-- a refusal aborts the transaction, which also takes this hit back.
-- A NULL limit (unlimited) writes nothing (hits NULL): unlimited accounts
-- then neither pay for the write nor serialise on the window row.
-- Exact under concurrency: INSERT ... ON CONFLICT DO UPDATE locks the one
-- row per (account, kind) and the SET sees the latest committed count
-- (reference/protocols.md §4.4); the lock is held until commit.
CREATE OR REPLACE FUNCTION internal.rate_window_hit(p_account text, p_kind text, p_limit integer,
                                                    p_now timestamptz)
RETURNS jsonb
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_len   integer := CASE p_kind WHEN 'minute' THEN 60 WHEN 'day' THEN 86400 END;
  v_start timestamptz;
  v_hits  integer;
BEGIN
  IF v_len IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = format('unknown rate window kind %s', p_kind);
  END IF;
  v_start := pg_catalog.to_timestamp((floor(extract(epoch FROM p_now) / v_len) * v_len)::double precision);

  IF p_limit IS NOT NULL THEN
    -- A window older than the stored one (a clock that stepped back) counts
    -- in the stored, newer window instead of resetting it: never extra hits.
    INSERT INTO internal.rate_windows AS w (account_id, kind, window_start, hits)
    VALUES (p_account, p_kind, v_start, 1)
    ON CONFLICT (account_id, kind) DO UPDATE
       SET hits = CASE WHEN w.window_start >= EXCLUDED.window_start THEN w.hits + 1 ELSE 1 END,
           window_start = GREATEST(w.window_start, EXCLUDED.window_start)
    RETURNING w.hits, w.window_start INTO v_hits, v_start;
  END IF;

  RETURN jsonb_build_object(
    'limit', p_limit,
    'hits', v_hits,
    'reset', GREATEST(1, ceil(extract(epoch FROM v_start + make_interval(secs => v_len) - p_now)))::integer);
END
$$;
