-- internal.webhook_retry_delay(attempts made, schedule, http status,
-- Retry-After seconds) -> seconds until the next attempt, or NULL when there
-- is none. p_schedule[n] is the wait after the n-th failed attempt; NULL or
-- empty means SPEC §9's 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (eight
-- attempts spread over about 28 hours). Up to 10% random jitter is added so
-- many deliveries failing together do not return together. A 429 or 503
-- with Retry-After waits at least that long (capped at 24 h).
CREATE OR REPLACE FUNCTION internal.webhook_retry_delay(p_attempts integer, p_schedule integer[],
                                                        p_http_status integer, p_retry_after integer)
RETURNS double precision
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  v_schedule integer[] := coalesce(nullif(p_schedule, '{}'),
                                   ARRAY[5, 300, 1800, 7200, 18000, 36000, 36000]);
  v_delay double precision;
BEGIN
  IF p_attempts > cardinality(v_schedule) THEN
    RETURN NULL;
  END IF;
  v_delay := greatest(v_schedule[p_attempts], 0) * (1 + random() * 0.1);
  IF p_http_status IN (429, 503) AND p_retry_after > 0 THEN
    v_delay := greatest(v_delay, least(p_retry_after, 86400));
  END IF;
  RETURN v_delay;
END
$$;
