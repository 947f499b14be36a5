-- internal.provider_health(provider, ok, now): feeds a live job's upstream
-- outcome to the provider's circuit breaker (SPEC §8.6; columns documented in
-- migration 000008). ok = the upstream answered properly (accepted a job or
-- delivered a result): the streak resets and an open or half-open breaker
-- closes. Not ok = an upstream failure (5xx, connection, overload, malformed
-- answer, time limit): the streak grows and, at the threshold, a closed or
-- half-open breaker opens for the cool-down, doubled per re-opening in a row
-- (at most 32 times). Failures reported while it is already open (jobs that
-- were in flight) do not extend it. Test-mode jobs never call this: simulated
-- work says nothing about a provider's health.
CREATE OR REPLACE FUNCTION internal.provider_health(p_provider text, p_ok boolean, p_now timestamptz)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
  IF p_ok THEN
    UPDATE internal.providers p
       SET failure_streak = 0, breaker_open_until = NULL, breaker_trips = 0
     WHERE p.id = p_provider
       AND (p.failure_streak <> 0 OR p.breaker_open_until IS NOT NULL OR p.breaker_trips <> 0);
    RETURN;
  END IF;
  UPDATE internal.providers p
     SET failure_streak = p.failure_streak + 1,
         breaker_open_until = CASE
           WHEN p.failure_streak + 1 >= p.breaker_threshold
                AND (p.breaker_open_until IS NULL OR p.breaker_open_until <= p_now)
           THEN p_now + make_interval(secs => p.breaker_cooldown_s * (2 ^ least(p.breaker_trips, 5)))
           ELSE p.breaker_open_until END,
         breaker_trips = CASE
           WHEN p.failure_streak + 1 >= p.breaker_threshold
                AND (p.breaker_open_until IS NULL OR p.breaker_open_until <= p_now)
           THEN p.breaker_trips + 1
           ELSE p.breaker_trips END
   WHERE p.id = p_provider;
END
$$;
