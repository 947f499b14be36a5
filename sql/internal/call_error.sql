-- internal.call_error(sqlstate, message, detail) -> {"error": {"code",
-- "message", "extensions"}}: one field's failure as api.execute reports it.
-- code is the GraphQL ErrorCode of the SQLSTATE (sql/README.md "Errors");
-- extensions is the DETAIL JSON object ({} when there is none).
CREATE OR REPLACE FUNCTION internal.call_error(p_state text, p_message text, p_detail text)
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
  RETURN jsonb_build_object('error', jsonb_build_object(
    'code', CASE p_state
              WHEN 'QA400' THEN 'INVALID_INPUT'
              WHEN 'QA402' THEN 'INSUFFICIENT_CREDITS'
              WHEN 'QA404' THEN 'NOT_FOUND'
              WHEN 'QA503' THEN 'PROVIDER_UNAVAILABLE'
              ELSE 'INTERNAL_ERROR'
            END,
    'message', p_message,
    'extensions', CASE WHEN p_detail ~ '^\s*\{' THEN p_detail::jsonb ELSE '{}'::jsonb END));
END
$$;
