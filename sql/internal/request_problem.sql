-- internal.request_problem(provider, model, input, options): NULL when the
-- provider can run this request, else the first INVALID_INPUT problem found:
--  * model (NULL = the default) must be one of provider.models;
--  * input kinds image, audio and video, when given, must be in provider.accepts
--    (text and voice are hints every provider may ignore);
--  * each element of provider.requires ("image", or "text|audio" = one of) must
--    be present in the input;
--  * every option must be a known option of the provider, with a valid value
--    (internal.option_problem); required options must be present.
-- Never raises, so auto-selection can filter candidates with it.
CREATE OR REPLACE FUNCTION internal.request_problem(p_provider internal.providers, p_model text,
                                                    p_input jsonb, p_options jsonb)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
  v_kind    text;
  v_need    text;
  v_key     text;
  v_value   jsonb;
  v_opt     jsonb;
  v_problem jsonb;
BEGIN
  IF p_model IS NOT NULL AND NOT (p_model = ANY (p_provider.models)) THEN
    RETURN internal.problem(format('Unknown model %s for provider %s.', p_model, p_provider.id),
                            'model', to_jsonb(p_provider.models));
  END IF;

  FOREACH v_kind IN ARRAY ARRAY['image', 'audio', 'video'] LOOP
    IF p_input ? v_kind AND NOT (v_kind = ANY (p_provider.accepts)) THEN
      RETURN internal.problem(format('Provider %s does not take input.%s.', p_provider.id, v_kind),
                              'input.' || v_kind);
    END IF;
  END LOOP;

  FOREACH v_need IN ARRAY p_provider.requires LOOP
    -- ?| (any of these keys): an expression, where a subquery over the
    -- alternatives was a query per requirement per candidate.
    IF NOT coalesce(p_input ?| string_to_array(v_need, '|'), false) THEN
      RETURN internal.problem(format('Provider %s needs input.%s.', p_provider.id,
                                     replace(v_need, '|', ' or input.')),
                              'input.' || split_part(v_need, '|', 1));
    END IF;
  END LOOP;

  -- The two option checks are queries: skip them when there is nothing to
  -- check (no options given; no required option), as on most requests.
  IF p_options IS NOT NULL AND p_options <> '{}'::jsonb THEN
    FOR v_key, v_value IN SELECT e.key, e.value FROM jsonb_each(p_options) AS e LOOP
      SELECT o INTO v_opt
        FROM jsonb_array_elements(p_provider.options) AS o
       WHERE o->>'name' = v_key;
      IF v_opt IS NULL THEN
        RETURN internal.problem(format('Unknown option %s for provider %s.', v_key, p_provider.id),
                                'options.' || v_key,
                                (SELECT jsonb_agg(o->'name') FROM jsonb_array_elements(p_provider.options) AS o));
      END IF;
      v_problem := internal.option_problem(p_provider.id, v_opt, v_value);
      IF v_problem IS NOT NULL THEN
        RETURN v_problem;
      END IF;
    END LOOP;
  END IF;

  IF NOT coalesce(p_provider.options @> '[{"required": true}]', false) THEN
    RETURN NULL;
  END IF;
  SELECT o INTO v_opt
    FROM jsonb_array_elements(p_provider.options) AS o
   WHERE coalesce((o->>'required')::boolean, false)
     AND NOT coalesce(p_options, '{}'::jsonb) ? (o->>'name')
   LIMIT 1;
  IF v_opt IS NOT NULL THEN
    RETURN internal.problem(format('Option %s is required by provider %s.', v_opt->>'name', p_provider.id),
                            'options.' || (v_opt->>'name'));
  END IF;
  RETURN NULL;
END
$$;
