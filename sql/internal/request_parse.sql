-- internal.request_parse(GenerateInput as JSON): checks the shape of a generate
-- request and returns it normalized as
--   {type, provider, model, priority, input, options, webhookUrl}
-- or raises QA400 with the offending field. Normalization:
--  * JSON nulls count as absent (GraphQL variables often carry them);
--  * priority defaults to BALANCED; options to {};
--  * input keeps only non-empty strings of text, image, audio, video, voice;
--  * leniency (SPEC §2): when `model` is absent and options.model is present,
--    options.model becomes the model and is dropped from the options;
--    an options.model equal to `model` is dropped too.
-- Limits (SPEC §2): prompt 10,000 characters, options 16 KiB, URLs 2,048 bytes.
-- URLs must be http(s) without credentials; the address guard for literal
-- and resolved addresses (private ranges etc.) is the C side's.
CREATE OR REPLACE FUNCTION internal.request_parse(p_input jsonb)
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
  c_types      CONSTANT text[] := ARRAY['VIDEO', 'IMAGE', 'AUDIO', 'AVATAR'];
  c_priorities CONSTANT text[] := ARRAY['BALANCED', 'QUALITY', 'SPEED', 'COST'];
  c_kinds      CONSTANT text[] := ARRAY['text', 'image', 'audio', 'video', 'voice'];
  v_type     text;
  v_provider text;
  v_model    text;
  v_priority text;
  v_input    jsonb := '{}'::jsonb;
  v_options  jsonb;
  v_webhook  text;
  v_key      text;
  v_value    jsonb;
BEGIN
  IF jsonb_typeof(p_input) IS DISTINCT FROM 'object' THEN
    PERFORM internal.raise_invalid(internal.problem('The generate input must be an object.', 'input'));
  END IF;

  -- type
  v_type := p_input->>'type';
  IF v_type IS NULL OR jsonb_typeof(p_input->'type') <> 'string' OR NOT (v_type = ANY (c_types)) THEN
    PERFORM internal.raise_invalid(internal.problem(
      'type is required and must be one of VIDEO, IMAGE, AUDIO, AVATAR.', 'type', to_jsonb(c_types)));
  END IF;

  -- provider, model
  IF jsonb_typeof(p_input->'provider') NOT IN ('string', 'null') THEN
    PERFORM internal.raise_invalid(internal.problem('provider must be a string.', 'provider'));
  END IF;
  v_provider := nullif(p_input->>'provider', '');
  IF jsonb_typeof(p_input->'model') NOT IN ('string', 'null') THEN
    PERFORM internal.raise_invalid(internal.problem('model must be a string.', 'model'));
  END IF;
  v_model := nullif(p_input->>'model', '');

  -- priority
  v_priority := coalesce(p_input->>'priority', 'BALANCED');
  IF NOT (v_priority = ANY (c_priorities)) THEN
    PERFORM internal.raise_invalid(internal.problem(
      'priority must be one of BALANCED, QUALITY, SPEED, COST.', 'priority', to_jsonb(c_priorities)));
  END IF;

  -- input
  IF jsonb_typeof(p_input->'input') IS DISTINCT FROM 'object' THEN
    PERFORM internal.raise_invalid(internal.problem('input is required and must be an object.', 'input'));
  END IF;
  FOR v_key, v_value IN SELECT e.key, e.value FROM jsonb_each(p_input->'input') AS e LOOP
    IF NOT (v_key = ANY (c_kinds)) THEN
      PERFORM internal.raise_invalid(internal.problem(
        format('Unknown input field %s.', v_key), 'input.' || v_key, to_jsonb(c_kinds)));
    END IF;
    CONTINUE WHEN jsonb_typeof(v_value) = 'null';
    IF jsonb_typeof(v_value) <> 'string' THEN
      PERFORM internal.raise_invalid(internal.problem(
        format('input.%s must be a string.', v_key), 'input.' || v_key));
    END IF;
    CONTINUE WHEN v_value #>> '{}' = '';
    IF v_key = 'text' AND length(v_value #>> '{}') > 10000 THEN
      PERFORM internal.raise_invalid(internal.problem(
        'input.text is longer than 10000 characters.', 'input.text', NULL, '{"maxLength":10000}'));
    END IF;
    IF v_key = 'voice' AND length(v_value #>> '{}') > 200 THEN
      PERFORM internal.raise_invalid(internal.problem(
        'input.voice is longer than 200 characters.', 'input.voice', NULL, '{"maxLength":200}'));
    END IF;
    IF v_key IN ('image', 'audio', 'video') AND NOT internal.url_ok(v_value #>> '{}')
       AND NOT internal.data_uri_ok(v_value #>> '{}', v_key) THEN
      PERFORM internal.raise_invalid(internal.problem(
        CASE v_key
          WHEN 'image' THEN format('input.image must be an http or https URL of at most 2048 bytes, without '
                                   'credentials, or a base64 data: URI (image/png, image/jpeg, image/webp or '
                                   'image/gif) of at most %s bytes.', internal.data_uri_max_bytes())
          WHEN 'audio' THEN format('input.audio must be an http or https URL of at most 2048 bytes, without '
                                   'credentials, or a base64 data: URI (audio/mpeg, audio/wav, audio/mp4, '
                                   'audio/ogg or audio/webm) of at most %s bytes.', internal.data_uri_max_bytes())
          ELSE 'input.video must be an http or https URL of at most 2048 bytes, without credentials.' END,
        'input.' || v_key));
    END IF;
    v_input := v_input || jsonb_build_object(v_key, v_value);
  END LOOP;

  -- options
  v_options := coalesce(nullif(p_input->'options', 'null'::jsonb), '{}'::jsonb);
  IF jsonb_typeof(v_options) <> 'object' THEN
    PERFORM internal.raise_invalid(internal.problem('options must be an object.', 'options'));
  END IF;
  IF octet_length(v_options::text) > 16384 THEN
    PERFORM internal.raise_invalid(internal.problem('options is larger than 16 KiB.', 'options'));
  END IF;
  v_options := jsonb_strip_nulls(v_options);
  IF v_options ? 'model' THEN
    IF jsonb_typeof(v_options->'model') <> 'string' THEN
      PERFORM internal.raise_invalid(internal.problem('options.model must be a string.', 'options.model'));
    END IF;
    IF v_model IS NULL THEN
      v_model := v_options->>'model';
      v_options := v_options - 'model';
    ELSIF v_model = v_options->>'model' THEN
      v_options := v_options - 'model';
    ELSE
      PERFORM internal.raise_invalid(internal.problem(
        'options.model contradicts model; give the model once.', 'options.model'));
    END IF;
  END IF;

  -- webhookUrl
  IF jsonb_typeof(p_input->'webhookUrl') NOT IN ('string', 'null') THEN
    PERFORM internal.raise_invalid(internal.problem('webhookUrl must be a string.', 'webhookUrl'));
  END IF;
  v_webhook := nullif(p_input->>'webhookUrl', '');
  IF v_webhook IS NOT NULL AND NOT internal.url_ok(v_webhook) THEN
    PERFORM internal.raise_invalid(internal.problem(
      'webhookUrl must be an http or https URL of at most 2048 bytes, without credentials.', 'webhookUrl'));
  END IF;

  RETURN jsonb_build_object('type', v_type, 'provider', v_provider, 'model', v_model,
                            'priority', v_priority, 'input', v_input, 'options', v_options,
                            'webhookUrl', v_webhook);
END
$$;
