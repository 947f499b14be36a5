-- internal.options_effective(option specs, options): the options a request
-- really runs with: every option's default, overridden by the given options.
-- jobs_claim calls it once per provider and batch with no options, for the
-- defaults, and internal.job_json lays each job's options over them the
-- same way (defaults || options), so adapters need no catalog knowledge.
CREATE OR REPLACE FUNCTION internal.options_effective(p_specs jsonb, p_options jsonb)
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_defaults jsonb;
BEGIN
  SELECT coalesce(jsonb_object_agg(o->>'name', o->'default'), '{}'::jsonb)
    INTO v_defaults
    FROM jsonb_array_elements(coalesce(p_specs, '[]'::jsonb)) AS o
   WHERE o ? 'default' AND jsonb_typeof(o->'default') <> 'null';
  RETURN v_defaults || coalesce(p_options, '{}'::jsonb);
END
$$;

-- internal.option_value(option specs, options, name) -> the effective value
-- of one option as text (options_effective(specs, options)->>name): the given
-- value, else the spec's default, else NULL. Pricing reads one or two options
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
