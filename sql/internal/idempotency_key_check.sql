-- internal.idempotency_key_check(key): raises QA400 (HTTP 400, the request
-- itself is refused) unless the Idempotency-Key is 1 to 255 visible ASCII
-- characters (0x21-0x7E), checked before it is used in any lookup.
CREATE OR REPLACE FUNCTION internal.idempotency_key_check(p_key text)
RETURNS void
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
  IF p_key IS NULL OR p_key !~ '^[!-~]{1,255}$' THEN
    PERFORM internal.raise_invalid(internal.problem(
      'Idempotency-Key must be 1 to 255 visible ASCII characters.', 'Idempotency-Key'));
  END IF;
END
$$;
