-- internal.error_code_normalize(code): code when it is a GraphQL ErrorCode
-- name, else GENERATION_FAILED (upstream-specific codes such as
-- "SAFETY.INPUT.TEXT" are kept in generation_attempts.upstream_status instead),
-- so Generation.errorCode always satisfies the ErrorCode enum.
CREATE OR REPLACE FUNCTION internal.error_code_normalize(p_code text)
RETURNS text
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
  IF p_code = ANY (ARRAY['INSUFFICIENT_CREDITS', 'RATE_LIMIT', 'INVALID_INPUT', 'PROVIDER_UNAVAILABLE',
                         'GENERATION_FAILED', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND',
                         'IDEMPOTENCY_CONFLICT', 'INTERNAL_ERROR']) THEN
    RETURN p_code;
  END IF;
  RETURN 'GENERATION_FAILED';
END
$$;
