-- internal.iso_time(ts): RFC 3339 in UTC with second precision, e.g.
-- 2026-11-24T05:24:13Z (the GraphQL DateTime scalar); NULL stays NULL.
-- A plain SQL function without its own settings, so the planner inlines it
-- into the queries that build API JSON (several per generation).
CREATE OR REPLACE FUNCTION internal.iso_time(p_ts timestamptz)
RETURNS text
LANGUAGE sql STABLE
AS $$
  SELECT to_char(p_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
$$;
