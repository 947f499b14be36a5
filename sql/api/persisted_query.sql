-- api.persisted_query(key hash, sha256) -> the persisted query's text as a
-- JSON string, or JSON null when unknown (internal.persisted_query_get).
-- The server calls it before api.execute when a request carries
-- extensions.persistedQuery.sha256Hash without a query (Apollo APQ).
-- Authenticates the key (QA401) so that only clients may probe the store, but
-- counts NO rate-limit hit: the api.execute call that follows counts the
-- request, and a request must count once. Its own statement (autocommit):
-- the touch of last_used_at commits independently of the request.
CREATE OR REPLACE FUNCTION api.persisted_query(p_key_hash text, p_sha256 text)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  PERFORM internal.principal_of(p_key_hash);
  RETURN internal.persisted_query_get(p_sha256, now());
END
$$;
