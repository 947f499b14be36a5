-- internal.webhook_msg_id() -> "msg_" + 26 characters of [0-9a-f] (a subset
-- of the base32hex alphabet Standard Webhooks ids use here): the webhook-id
-- of a new event: 8 of the Unix time in seconds, then 18 random (72 bits),
-- from internal.id_time. Time first, as the KSUIDs of the Standard Webhooks
-- examples, so the unique index on msg_id takes new ids at its right end.
-- No SET clause: the planner inlines it (a LANGUAGE sql function that
-- is not inlined is planned again in every transaction).
CREATE OR REPLACE FUNCTION internal.webhook_msg_id()
RETURNS text
LANGUAGE sql VOLATILE
AS $$
  SELECT internal.id_time('msg_', 18)
$$;
