-- internal.field_generate(principal, GenerateInput JSON, now) -> Generation
-- JSON. Mutation generate: QA429 (scope concurrency) when the account's
-- active generations already reach its limit, then internal.generation_create
-- (QA400, QA503, QA402; all or nothing). Shared by api.generate and api.execute.
CREATE OR REPLACE FUNCTION internal.field_generate(p_who internal.principal, p_input jsonb,
                                                   p_now timestamptz)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
BEGIN
  PERFORM internal.concurrency_check(p_who);
  -- A generation just created has no attempts yet (the scheduler opens them).
  RETURN internal.generation_json(
    internal.generation_create(p_who.account_id, p_who.test_mode, p_input, p_now), false);
END
$$;
