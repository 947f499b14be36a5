-- internal.generation_cursor(created_at, id) -> the opaque cursor of one
-- generation in the generations connection: base64url (no padding) of
-- '<created_at as integer microseconds since the epoch>:<id>'. The pair is
-- the listing's sort key (created_at DESC, id DESC), so a cursor is a keyset
-- position: it stays valid while rows are added or deleted (unlike an
-- offset). Integer microseconds, not a formatted time: exact round trip at
-- the column's full precision. URL-safe alphabet so clients may put it in a
-- query string. Clients must treat it as opaque (sql/README.md).
CREATE OR REPLACE FUNCTION internal.generation_cursor(p_created_at timestamptz, p_id text)
RETURNS text
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
  RETURN rtrim(translate(encode(convert_to(
           (extract(epoch FROM p_created_at) * 1000000)::bigint::text || ':' || p_id, 'UTF8'), 'base64'),
           E'+/\n', '-_'), '=');
END
$$;
