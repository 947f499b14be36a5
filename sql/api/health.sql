-- api.health() -> {"database": "ok", "migrations": "<latest applied version>"}
-- The responder's GET /healthz: one trivial call that proves the connection,
-- the role's grants and the schema are all there. Reads one index entry.
CREATE OR REPLACE FUNCTION api.health()
RETURNS jsonb
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT jsonb_build_object(
    'database', 'ok',
    'migrations', (SELECT max(version) FROM internal.schema_migrations));
$$;
