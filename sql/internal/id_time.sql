-- internal.id_time(prefix, random hex digits): prefix + 8 hex digits of the
-- Unix time in seconds + that many random hex digits (at most 26), the
-- shape of every id the schema makes (internal.new_id, webhook_msg_id).
-- Time first, so ids made close together sort close together and the b-tree
-- indexes keyed on them take new entries in a few hot pages at their right
-- end instead of a random page each: fewer pages read and dirtied per insert
-- and fewer full-page images in the WAL after each checkpoint. The random
-- digits come from a version 4 UUID without bytes 6-8 (its version and
-- variant bits): bytes 0-5 and 9-15, 104 random bits. One expression
-- without FROM, so the planner inlines it (and its callers). Named to sort
-- before them: function files are created in name order, and a LANGUAGE sql
-- body must find the functions it calls.
CREATE OR REPLACE FUNCTION internal.id_time(p_prefix text, p_random_hex integer)
RETURNS text
LANGUAGE sql VOLATILE
AS $$
  SELECT p_prefix || lpad(to_hex(floor(extract(epoch FROM clock_timestamp()))::bigint), 8, '0')
         || left(overlay(encode(pg_catalog.uuid_send(pg_catalog.gen_random_uuid()), 'hex') PLACING '' FROM 13 FOR 6),
                 p_random_hex)
$$;
