-- internal.option_value(option specs, options, name) -> the effective value
-- of one option as text: the given value, else the spec's default
-- (internal.option_defaults), else NULL. Pricing reads one or two options
-- per candidate provider on every generate: an expression the planner
-- inlines, not a query per call (STABLE, as jsonb_build_object is: an
-- IMMUTABLE label on a STABLE body stops the inlining).
CREATE OR REPLACE FUNCTION internal.option_value(p_specs jsonb, p_options jsonb, p_name text)
RETURNS text
LANGUAGE sql STABLE
AS $$
  SELECT coalesce(p_options->>p_name,
                  jsonb_path_query_first(p_specs, '$[*] ? (@.name == $n).default',
                                         jsonb_build_object('n', p_name)) #>> '{}')
$$;
