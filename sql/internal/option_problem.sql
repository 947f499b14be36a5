-- internal.option_problem(provider id, option spec, value): NULL when value is
-- valid for the option, else an INVALID_INPUT problem (internal.problem) with
-- field "options.<name>" and allowedValues / min / max where known.
-- Rules by type:
--   enum    a JSON string, number or boolean whose text is one of allowedValues;
--           numbers also match numerically, so JSON 10 and 10.0 match "10";
--   integer a JSON number with no fraction, within min..max;
--   number  a JSON number within min..max;
--   boolean a JSON boolean;
--   string  a JSON string of at most 1,000 characters.
CREATE OR REPLACE FUNCTION internal.option_problem(p_provider text, p_opt jsonb, p_value jsonb)
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
  v_name  text := p_opt->>'name';
  v_field text := 'options.' || (p_opt->>'name');
  v_type  text := p_opt->>'type';
  v_kind  text := jsonb_typeof(p_value);
  v_text  text := p_value #>> '{}';
  v_num   numeric;
  v_min   numeric := (p_opt->>'min')::numeric;
  v_max   numeric := (p_opt->>'max')::numeric;
BEGIN
  IF v_type = 'enum' THEN
    IF v_kind IN ('string', 'number', 'boolean') AND EXISTS (
         SELECT 1 FROM jsonb_array_elements_text(p_opt->'allowedValues') AS a(v)
          WHERE a.v = v_text
             OR (v_kind = 'number' AND a.v ~ '^-?[0-9]+(\.[0-9]+)?$'
                 AND a.v::numeric = v_text::numeric)) THEN
      RETURN NULL;
    END IF;
    RETURN internal.problem(
      format('Invalid value for option %s of provider %s: must be one of %s.', v_name, p_provider,
             (SELECT string_agg(a.v, ', ') FROM jsonb_array_elements_text(p_opt->'allowedValues') AS a(v))),
      v_field, p_opt->'allowedValues');
  END IF;

  IF v_type IN ('integer', 'number') THEN
    IF v_kind = 'number' THEN
      v_num := v_text::numeric;
    END IF;
    IF v_num IS NULL OR (v_type = 'integer' AND v_num <> trunc(v_num)) THEN
      RETURN internal.problem(
        format('Invalid value for option %s of provider %s: must be %s.', v_name, p_provider,
               CASE v_type WHEN 'integer' THEN 'an integer' ELSE 'a number' END),
        v_field, NULL, jsonb_strip_nulls(jsonb_build_object('min', v_min, 'max', v_max)));
    END IF;
    IF v_num < v_min OR v_num > v_max THEN
      RETURN internal.problem(
        format('Invalid value for option %s of provider %s: must be between %s and %s.',
               v_name, p_provider, coalesce(v_min::text, '-infinity'), coalesce(v_max::text, 'infinity')),
        v_field, NULL, jsonb_strip_nulls(jsonb_build_object('min', v_min, 'max', v_max)));
    END IF;
    RETURN NULL;
  END IF;

  IF v_type = 'boolean' THEN
    IF v_kind = 'boolean' THEN
      RETURN NULL;
    END IF;
    RETURN internal.problem(format('Invalid value for option %s of provider %s: must be true or false.',
                                   v_name, p_provider), v_field);
  END IF;

  -- string
  IF v_kind = 'string' AND length(v_text) <= 1000 THEN
    RETURN NULL;
  END IF;
  RETURN internal.problem(format('Invalid value for option %s of provider %s: must be a string of at most 1000 characters.',
                                 v_name, p_provider), v_field);
END
$$;
