-- api.execute(key hash, request) -> {"rate", "replayed", "results"}: the one
-- call the FastCGI server makes per HTTP request. Authenticates, rate-limits,
-- handles the Idempotency-Key and runs the operation's root fields, all in
-- the caller's one transaction. Contract (request and answer shapes, errors):
-- sql/README.md "api.execute"; algorithm: internal.request_execute.
-- clock_timestamp(), not now(): the windows must follow the real clock even
-- when the caller's transaction started long ago.
CREATE OR REPLACE FUNCTION api.execute(p_key_hash text, p_request jsonb)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN internal.request_execute(p_key_hash, p_request, clock_timestamp());
END
$$;
