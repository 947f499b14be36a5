-- internal.webhook_msg_id() -> "msg_" + 26 characters of [0-9a-f] (a subset
-- of the base32hex alphabet Standard Webhooks ids use here): the webhook-id
-- of a new event, from gen_random_uuid (about 98 random bits).
-- No SET clause: the planner inlines it (a LANGUAGE sql function that
-- is not inlined is planned again in every transaction).
CREATE OR REPLACE FUNCTION internal.webhook_msg_id()
RETURNS text
LANGUAGE sql VOLATILE
AS $$
  SELECT 'msg_' || left(encode(uuid_send(gen_random_uuid()), 'hex'), 26)
$$;
