-- internal.calls_run(principal, calls, now) -> results array: one
-- internal.call_result per call, same order. Fields run one after the other
-- in the request's transaction, so a later field sees an earlier one's writes.
CREATE OR REPLACE FUNCTION internal.calls_run(p_who internal.principal, p_calls jsonb, p_now timestamptz)
RETURNS jsonb
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_call    jsonb;
  v_results jsonb := '[]'::jsonb;
BEGIN
  -- A loop, not jsonb_agg over a SELECT: the order of execution matters
  -- (mutations run serially, in document order).
  FOR v_call IN SELECT c.value FROM jsonb_array_elements(p_calls) WITH ORDINALITY c ORDER BY c.ordinality LOOP
    v_results := v_results || jsonb_build_array(internal.call_result(p_who, v_call, p_now));
  END LOOP;
  RETURN v_results;
END
$$;
