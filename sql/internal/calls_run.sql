-- internal.calls_run(principal, calls, now) -> results array: one
-- internal.call_result per call, same order. Fields run one after the other
-- in the request's transaction, so a later field sees an earlier one's writes.
CREATE OR REPLACE FUNCTION internal.calls_run(p_who internal.principal, p_calls jsonb, p_now timestamptz)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
  v_results jsonb := '[]'::jsonb;
BEGIN
  -- A loop, not jsonb_agg over a SELECT: the order of execution matters
  -- (mutations run serially, in document order). Over the indexes, not
  -- FOR ... IN SELECT jsonb_array_elements: no query to run per request.
  FOR i IN 0 .. jsonb_array_length(p_calls) - 1 LOOP
    v_results := v_results || jsonb_build_array(internal.call_result(p_who, p_calls->i, p_now));
  END LOOP;
  RETURN v_results;
END
$$;
