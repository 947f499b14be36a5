-- internal.options_effective(option specs, options): the options a request
-- really runs with: every option's default, overridden by the given options.
-- Used for pricing (the price of the defaults is part of the catalog) and
-- handed to adapters by jobs_claim so they need no catalog knowledge.
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
