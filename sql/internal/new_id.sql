-- internal.new_id(prefix): prefix + 24 lowercase hex characters: 8 of the
-- Unix time in seconds, then 16 random (64 bits), e.g.
-- gen_6a3f0c2e7b1d4a5f6e8c9b0a (internal.id_time has why time comes first).
-- Still unguessable: result files are named after generation ids.
CREATE OR REPLACE FUNCTION internal.new_id(p_prefix text)
RETURNS text
LANGUAGE sql VOLATILE
AS $$
  SELECT internal.id_time(p_prefix, 16)
$$;
