-- internal.request_calls(request) -> the request's "calls" array, checked for
-- the shape api.execute's contract promises: an array (absent = no fields)
-- of objects with a string "field", an object or absent "args" and an array
-- or absent "select". Anything else is a bug of the caller, not of the API
-- client: SQLSTATE 22023, which the server reports as INTERNAL_ERROR.
CREATE OR REPLACE FUNCTION internal.request_calls(p_request jsonb)
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
  v_calls jsonb := coalesce(p_request->'calls', '[]'::jsonb);
BEGIN
  -- jsonpath, not a query over the elements: every request comes through
  -- here. Strict first (lax would unwrap a nested array into its elements).
  IF jsonb_typeof(p_request) IS DISTINCT FROM 'object' OR jsonb_typeof(v_calls) <> 'array'
     OR jsonb_path_exists(v_calls, 'strict $[*] ? (@.type() != "object")')
     OR jsonb_path_exists(v_calls, 'lax $[*] ? (!exists(@.field) || @.field.type() != "string"
                                               || (exists(@.args) && @.args.type() != "object"
                                                   && @.args.type() != "null")
                                               || (exists(@.select) && @.select.type() != "array"
                                                   && @.select.type() != "null"))', '{}', true) THEN
    RAISE EXCEPTION USING ERRCODE = '22023',
      MESSAGE = 'api.execute: the request must be {"calls": [{"field": string, "args": object, "select": array}], ...}.';
  END IF;
  RETURN v_calls;
END
$$;
