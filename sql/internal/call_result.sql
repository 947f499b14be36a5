-- internal.call_result(principal, call, now) -> {"data": value} or
-- {"error": ...} (internal.call_error) for one {"field", "args"} of api.execute.
-- The field runs in a subtransaction (the EXCEPTION block): when it fails with
-- a field-level error (QA400 INVALID_INPUT, QA402 INSUFFICIENT_CREDITS, QA404
-- NOT_FOUND, QA503 PROVIDER_UNAVAILABLE, QA500 no resolver) exactly its own
-- writes (reservation, generation, NOTIFY) are rolled back and the request
-- goes on with the next field. Every other error (QA401, QA429 concurrency
-- limit, bugs) propagates and aborts the whole request.
CREATE OR REPLACE FUNCTION internal.call_result(p_who internal.principal, p_call jsonb, p_now timestamptz)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
  v_state   text;
  v_message text;
  v_detail  text;
BEGIN
  RETURN jsonb_build_object('data',
    internal.field_run(p_who, p_call->>'field', coalesce(p_call->'args', '{}'::jsonb), p_now,
                       p_call->'select'));
EXCEPTION
  WHEN SQLSTATE 'QA400' OR SQLSTATE 'QA402' OR SQLSTATE 'QA404'
    OR SQLSTATE 'QA503' OR SQLSTATE 'QA500' THEN
    GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT,
                            v_detail = PG_EXCEPTION_DETAIL;
    RETURN internal.call_error(v_state, v_message, v_detail);
END
$$;
