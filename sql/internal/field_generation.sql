-- internal.field_generation(principal, id, select) -> Generation JSON. Query
-- generation: QA404 when the id is unknown or belongs to another account (or
-- to the other mode: live keys do not see test generations and vice versa).
-- p_select: the call's "select" (the fields the client selected; NULL or
-- JSON null = all): the attempts are looked up only when selected.
CREATE OR REPLACE FUNCTION internal.field_generation(p_who internal.principal, p_id text,
                                                    p_select jsonb DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
  v_gen internal.generations;
BEGIN
  SELECT g.* INTO v_gen
    FROM internal.generations g
   WHERE g.id = p_id AND g.account_id = p_who.account_id AND g.test_mode = p_who.test_mode;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'QA404', MESSAGE = 'Generation not found.';
  END IF;
  RETURN internal.generation_json(v_gen, jsonb_typeof(p_select) IS DISTINCT FROM 'array' OR p_select ? 'attempts');
END
$$;
