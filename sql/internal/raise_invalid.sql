-- internal.raise_invalid(problem): raises SQLSTATE QA400 (INVALID_INPUT).
-- MESSAGE is problem.message (shown to the API client); DETAIL is the rest of
-- the problem as JSON text ({"field":..., "allowedValues":[...]}), which the C
-- side merges into the GraphQL error's extensions.
CREATE OR REPLACE FUNCTION internal.raise_invalid(p_problem jsonb)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
  RAISE EXCEPTION USING
    ERRCODE = 'QA400',
    MESSAGE = coalesce(p_problem->>'message', 'Invalid input.'),
    DETAIL = (coalesce(p_problem, '{}'::jsonb) - 'message')::text;
END
$$;
