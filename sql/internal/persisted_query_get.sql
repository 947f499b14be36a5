-- internal.persisted_query_get(sha256, now) -> the stored query text as a
-- JSON string, or JSON null when the hash is unknown (or not a lowercase hex
-- SHA-256: nothing can be stored under it, so it is simply unknown; the C
-- side answers PersistedQueryNotFound either way).
-- Marks the row used (api.maintenance_purge drops rows unused for 30 days)
-- at most once an hour: a hot query is looked up on most requests, and a
-- write per lookup would turn a read into row churn and lock traffic. The
-- touch takes the row with SKIP LOCKED: a lookup never waits on another
-- lookup's touch (or the purge); a skipped touch is made by a later lookup.
CREATE OR REPLACE FUNCTION internal.persisted_query_get(p_sha256 text, p_now timestamptz)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
  v_row internal.persisted_queries;
BEGIN
  SELECT q.* INTO v_row FROM internal.persisted_queries q WHERE q.sha256 = p_sha256;
  IF NOT FOUND THEN
    RETURN 'null'::jsonb;
  END IF;
  IF v_row.last_used_at < p_now - interval '1 hour' THEN
    UPDATE internal.persisted_queries q
       SET last_used_at = p_now
     WHERE q.sha256 = (SELECT o.sha256 FROM internal.persisted_queries o
                        WHERE o.sha256 = p_sha256 AND o.last_used_at < p_now - interval '1 hour'
                          FOR UPDATE SKIP LOCKED);
  END IF;
  RETURN pg_catalog.to_jsonb(v_row.query);
END
$$;
