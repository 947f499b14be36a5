-- internal.iso_time(ts): RFC 3339 in UTC with second precision, e.g.
-- 2026-11-24T05:24:13Z (the GraphQL DateTime scalar); NULL stays NULL.
CREATE OR REPLACE FUNCTION internal.iso_time(p_ts timestamptz)
RETURNS text
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN to_char(p_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');
END
$$;
