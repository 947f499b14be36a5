-- internal.price(provider, model, input, options): the credit cost of a request.
--   cost = max(minimum, ceil(credits * units * product of multipliers))
-- with, from provider.pricing:
--   unit "second":        units = options.duration, else pricing.defaultDuration
--   unit "image":         units = options.numImages, else 1
--   unit "kchars":        units = ceil(length(input.text) / 1000), at least 1
--   unit "speech_second": units = spoken seconds of input.text at 15 characters a
--                         second (at least 1); with input.audio (or no text):
--                         options.duration, else pricing.defaultDuration
--   unit "request":       units = 1
--   multipliers: {"<option name>": {"<value>": factor}, "model": {"<model>": factor}};
--   a factor applies when the effective option (given or default) or the model
--   has that value.
-- Options are the effective ones (internal.option_value: defaults merged), so
-- the catalog's displayed price for the defaults and the charged price agree.
-- Arithmetic is exact numeric; only the final ceil rounds, up by less than
-- one credit.
CREATE OR REPLACE FUNCTION internal.price(p_provider internal.providers, p_model text,
                                          p_input jsonb, p_options jsonb)
RETURNS bigint
LANGUAGE plpgsql STABLE
AS $$
DECLARE
  v_pricing  jsonb := p_provider.pricing;
  v_unit     text := v_pricing->>'unit';
  v_model    text := coalesce(p_model, p_provider.default_model);
  v_text_len integer := length(coalesce(p_input->>'text', ''));
  v_duration numeric;
  v_units    numeric;
  v_mult     numeric := 1;
  v_key      text;
  v_map      jsonb;
  v_value    text;
BEGIN
  -- Only the units that count seconds read the duration (a JSON path
  -- query over the option specs, once per candidate in auto-selection).
  IF v_unit IN ('second', 'speech_second') THEN
    v_value := internal.option_value(p_provider.options, p_options, 'duration');
    IF v_value ~ '^[0-9]+(\.[0-9]+)?$' THEN
      v_duration := v_value::numeric;
    END IF;
    v_duration := coalesce(v_duration, (v_pricing->>'defaultDuration')::numeric, 1);
  END IF;

  v_units := CASE v_unit
    WHEN 'second' THEN v_duration
    WHEN 'image' THEN
      coalesce(substring(internal.option_value(p_provider.options, p_options, 'numImages') FROM '^[0-9]+$')::numeric, 1)
    WHEN 'kchars' THEN greatest(1, ceil(v_text_len / 1000.0))
    WHEN 'speech_second' THEN
      CASE WHEN v_text_len > 0 AND NOT coalesce(p_input, '{}'::jsonb) ? 'audio'
           THEN greatest(1, ceil(v_text_len / 15.0))
           ELSE v_duration END
    ELSE 1
  END;

  -- Most catalog entries have no multipliers: skip the loop's query then.
  IF v_pricing ? 'multipliers' THEN
    FOR v_key, v_map IN SELECT e.key, e.value FROM jsonb_each(v_pricing->'multipliers') AS e LOOP
      v_value := CASE WHEN v_key = 'model' THEN v_model
                      ELSE internal.option_value(p_provider.options, p_options, v_key) END;
      IF v_value IS NOT NULL AND v_map ? v_value THEN
        v_mult := v_mult * (v_map->>v_value)::numeric;
      END IF;
    END LOOP;
  END IF;

  RETURN greatest(coalesce((v_pricing->>'minimum')::bigint, 1),
                  ceil((v_pricing->>'credits')::numeric * v_units * v_mult)::bigint);
END
$$;
