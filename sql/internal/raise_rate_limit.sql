-- internal.raise_rate_limit(scope, limit, resetIn, message): raises SQLSTATE
-- QA429 (RATE_LIMIT, HTTP 429 + Retry-After) with DETAIL {"scope": "minute" |
-- "day" | "concurrency", "limit": N, "remaining": 0, "resetIn": seconds},
-- which the C side merges into extensions and turns into Retry-After.
CREATE OR REPLACE FUNCTION internal.raise_rate_limit(p_scope text, p_limit integer, p_reset_in integer,
                                                     p_message text)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
  RAISE EXCEPTION USING
    ERRCODE = 'QA429',
    MESSAGE = p_message,
    DETAIL = jsonb_build_object('scope', p_scope, 'limit', p_limit, 'remaining', 0,
                                'resetIn', GREATEST(p_reset_in, 1))::text;
END
$$;
