-- internal.new_id(prefix): prefix + 24 lowercase hex characters: 8 of the
-- Unix time in seconds, then 16 random (64 bits), e.g.
-- gen_6a3f0c2e7b1d4a5f6e8c9b0a. Still unguessable (result files are named
-- after it), and ids made close together sort close together, so the b-tree
-- indexes keyed on a generation id (its primary key, the ledger's, the
-- attempts', the webhook queue's) take new entries in a few hot pages at
-- their right end instead of a random page each: fewer pages read and
-- dirtied per insert and fewer full-page images in the WAL after each
-- checkpoint. The random bits are bytes 0-5 and 9-10 of a version 4 UUID
-- (bytes 6 and 8 hold its version and variant; byte 7 goes with them). One
-- expression without FROM, so the planner inlines it.
CREATE OR REPLACE FUNCTION internal.new_id(p_prefix text)
RETURNS text
LANGUAGE sql VOLATILE
AS $$
  SELECT p_prefix || lpad(to_hex(floor(extract(epoch FROM clock_timestamp()))::bigint), 8, '0')
         || left(overlay(encode(pg_catalog.uuid_send(pg_catalog.gen_random_uuid()), 'hex') PLACING '' FROM 13 FOR 6), 16)
$$;
