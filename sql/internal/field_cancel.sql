-- internal.field_cancel(principal, id, now) -> JSON true when this call
-- cancelled the generation (credits released), false when it had already
-- finished. Mutation cancelGeneration; QA404 unknown or foreign id.
CREATE OR REPLACE FUNCTION internal.field_cancel(p_who internal.principal, p_id text, p_now timestamptz)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
BEGIN
  RETURN to_jsonb(internal.generation_cancel(p_who.account_id, p_who.test_mode, p_id, p_now));
END
$$;
