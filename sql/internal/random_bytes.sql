-- internal.random_bytes(n): n cryptographically random bytes (1..1024).
-- Uses only core PostgreSQL: gen_random_uuid() draws from pg_strong_random
-- (the same source as pgcrypto's gen_random_bytes); hashing two UUIDs (244
-- random bits) with SHA-256 yields uniformly distributed 32-byte blocks. This
-- keeps the schema free of an extension whose install schema we do not control.
CREATE OR REPLACE FUNCTION internal.random_bytes(p_n integer)
RETURNS bytea
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  v_out bytea := ''::bytea;
BEGIN
  IF p_n IS NULL OR p_n < 1 OR p_n > 1024 THEN
    RAISE EXCEPTION 'internal.random_bytes: length % out of range', p_n;
  END IF;
  WHILE length(v_out) < p_n LOOP
    v_out := v_out || sha256(uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()));
  END LOOP;
  RETURN substring(v_out FROM 1 FOR p_n);
END
$$;
