-- internal.webhook_msg_id() -> "msg_" + 26 characters of [0-9a-f] (a subset
-- of the base32hex alphabet Standard Webhooks ids use here): the webhook-id
-- of a new event: 8 of the Unix time in seconds, then 18 random (72 bits:
-- bytes 0-5 and 9-11 of a version 4 UUID). Time first, as the KSUIDs of the
-- Standard Webhooks examples, so the unique index on msg_id takes new ids
-- at its right end (internal.new_id has the why).
-- No SET clause: the planner inlines it (a LANGUAGE sql function that
-- is not inlined is planned again in every transaction).
CREATE OR REPLACE FUNCTION internal.webhook_msg_id()
RETURNS text
LANGUAGE sql VOLATILE
AS $$
  SELECT 'msg_' || lpad(to_hex(floor(extract(epoch FROM clock_timestamp()))::bigint), 8, '0')
         || left(overlay(encode(pg_catalog.uuid_send(pg_catalog.gen_random_uuid()), 'hex') PLACING '' FROM 13 FOR 6), 18)
$$;
