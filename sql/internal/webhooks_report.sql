-- internal.webhooks_report(worker, results, schedule, now): records one batch
-- of delivery attempts in one transaction. p_results is a JSON array of
-- {id, httpStatus (null when no response), error (null on a response),
-- durationMs, retryAfter (seconds, optional)}, or {id, "release": true} for
-- a delivery the worker claimed but did not attempt (its lease is dropped, no
-- attempt counted); elements for deliveries the worker no longer leases are
-- skipped (another worker took them over).
-- Each attempt is recorded; a 2xx delivers; 410 Gone stops at once (the
-- receiver asked for no more); anything else retries after
-- internal.webhook_retry_delay (p_schedule, NULL = SPEC §9's) or, when the
-- schedule is used up, FAILED. Returns {"delivered", "retrying", "failed",
-- "released", "skipped"} counts.
CREATE OR REPLACE FUNCTION internal.webhooks_report(p_worker text, p_results jsonb,
                                                    p_schedule integer[], p_now timestamptz)
RETURNS jsonb
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  r          record;
  v_delivery internal.webhook_deliveries;
  v_ok       boolean;
  v_delay    double precision;
  v_counts   jsonb := '{"delivered":0,"retrying":0,"failed":0,"released":0,"skipped":0}';
  v_outcome  text;
BEGIN
  IF jsonb_typeof(p_results) IS DISTINCT FROM 'array' THEN
    PERFORM internal.raise_invalid(internal.problem('results must be a JSON array.', 'results'));
  END IF;
  FOR r IN
    SELECT (e->>'id')::bigint AS id,
           (e->>'httpStatus')::integer AS http_status,
           left(e->>'error', 500) AS error,
           least((e->>'durationMs')::bigint, 2147483647)::integer AS duration_ms,
           (e->>'retryAfter')::integer AS retry_after,
           coalesce((e->>'release')::boolean, false) AS release
      FROM jsonb_array_elements(p_results) e
     ORDER BY 1
  LOOP
    SELECT d.* INTO v_delivery FROM internal.webhook_deliveries d
     WHERE d.id = r.id AND d.status = 'PENDING' AND d.lease_owner = p_worker
       FOR UPDATE;
    IF NOT FOUND THEN
      v_counts := jsonb_set(v_counts, '{skipped}', to_jsonb((v_counts->>'skipped')::integer + 1));
      CONTINUE;
    END IF;
    IF r.release THEN
      UPDATE internal.webhook_deliveries d SET lease_owner = NULL, lease_until = NULL WHERE d.id = r.id;
      v_counts := jsonb_set(v_counts, '{released}', to_jsonb((v_counts->>'released')::integer + 1));
      CONTINUE;
    END IF;
    v_ok := r.http_status BETWEEN 200 AND 299;
    INSERT INTO internal.webhook_attempts (delivery_id, attempt_no, worker, finished_at,
                                           http_status, error, duration_ms)
    VALUES (r.id, v_delivery.attempts + 1, p_worker, p_now, r.http_status,
            CASE WHEN v_ok THEN NULL ELSE coalesce(r.error, 'HTTP ' || r.http_status) END,
            r.duration_ms);

    v_delay := CASE WHEN v_ok OR r.http_status = 410 THEN NULL
                    ELSE internal.webhook_retry_delay(v_delivery.attempts + 1, p_schedule,
                                                      r.http_status, r.retry_after) END;
    v_outcome := CASE WHEN v_ok THEN 'delivered' WHEN v_delay IS NULL THEN 'failed' ELSE 'retrying' END;
    UPDATE internal.webhook_deliveries d
       SET attempts = d.attempts + 1,
           status = CASE v_outcome WHEN 'delivered' THEN 'DELIVERED' WHEN 'failed' THEN 'FAILED'
                                   ELSE 'PENDING' END,
           next_attempt_at = CASE WHEN v_delay IS NULL THEN d.next_attempt_at
                                  ELSE p_now + make_interval(secs => v_delay) END,
           finished_at = CASE WHEN v_delay IS NULL THEN p_now END,
           last_http_status = r.http_status,
           last_error = CASE WHEN v_ok THEN NULL ELSE coalesce(r.error, 'HTTP ' || r.http_status) END,
           lease_owner = NULL,
           lease_until = NULL
     WHERE d.id = r.id;
    v_counts := jsonb_set(v_counts, ARRAY[v_outcome], to_jsonb((v_counts->>v_outcome)::integer + 1));
  END LOOP;
  RETURN v_counts;
END
$$;
