-- internal.new_id(prefix): an opaque id, prefix + 24 lowercase hex characters
-- (96 random bits), e.g. gen_3f9a0c2e7b1d4a5f6e8c9b0a.
CREATE OR REPLACE FUNCTION internal.new_id(p_prefix text)
RETURNS text
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN p_prefix || encode(internal.random_bytes(12), 'hex');
END
$$;
