-- internal.video_input(VideoCreateInput as JSON): translates the legacy
-- videoCreate input {prompt, model?, duration?, image?, options?, webhookUrl?}
-- into a GenerateInput for internal.generation_create:
--   prompt -> input.text, image -> input.image, duration -> options.duration
--   (overriding options.duration), model -> provider (+ model):
--     a VIDEO provider id ("luma", "kling", "runway", ...), or an alias
--     ("dream-machine", "hailuo", "runway-i2v", ...), or a model string that
--     exactly one VIDEO provider offers ("gen-4", "ray-2", "veo-3", ...);
--     absent: auto-selection; anything else: QA400 field "model".
CREATE OR REPLACE FUNCTION internal.video_input(p_input jsonb)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
  c_aliases CONSTANT jsonb := '{"dream-machine":"luma","dreammachine":"luma","luma-ai":"luma",
    "lumalabs":"luma","luma-dream-machine":"luma","hailuo":"minimax","minimax-hailuo":"minimax",
    "kling-ai":"kling","klingai":"kling","runway-i2v":"runway","runwayml":"runway",
    "google-veo":"veo","veo3":"veo","seedance-ai":"seedance","wan2.2":"wan","wan-ai":"wan","vidu-ai":"vidu"}';
  v_name     text;
  v_provider text;
  v_model    text;
  v_options  jsonb;
  v_out      jsonb;
BEGIN
  IF jsonb_typeof(p_input) IS DISTINCT FROM 'object' THEN
    PERFORM internal.raise_invalid(internal.problem('The videoCreate input must be an object.', 'input'));
  END IF;
  IF jsonb_typeof(p_input->'prompt') IS DISTINCT FROM 'string' OR p_input->>'prompt' = '' THEN
    PERFORM internal.raise_invalid(internal.problem('prompt is required.', 'prompt'));
  END IF;
  IF jsonb_typeof(p_input->'model') NOT IN ('string', 'null') THEN
    PERFORM internal.raise_invalid(internal.problem('model must be a string.', 'model'));
  END IF;

  v_name := nullif(p_input->>'model', '');
  IF v_name IS NOT NULL THEN
    SELECT p.id INTO v_provider FROM internal.providers p
     WHERE p.id = lower(v_name) AND 'VIDEO' = ANY (p.types);
    IF v_provider IS NULL THEN
      v_provider := c_aliases->>lower(v_name);
    END IF;
    IF v_provider IS NULL THEN
      SELECT min(p.id), v_name INTO v_provider, v_model
        FROM internal.providers p
       WHERE 'VIDEO' = ANY (p.types) AND v_name = ANY (p.models)
      HAVING count(*) = 1;
    END IF;
    IF v_provider IS NULL THEN
      PERFORM internal.raise_invalid(internal.problem(
        format('Unknown video model %s: use a video provider id.', v_name), 'model',
        (SELECT jsonb_agg(p.id ORDER BY p.id) FROM internal.providers p WHERE 'VIDEO' = ANY (p.types))));
    END IF;
  END IF;

  v_options := coalesce(nullif(p_input->'options', 'null'::jsonb), '{}'::jsonb);
  IF jsonb_typeof(v_options) <> 'object' THEN
    PERFORM internal.raise_invalid(internal.problem('options must be an object.', 'options'));
  END IF;
  IF jsonb_typeof(p_input->'duration') NOT IN ('null') THEN
    v_options := v_options || jsonb_build_object('duration', p_input->'duration');
  END IF;

  v_out := jsonb_build_object(
    'type', 'VIDEO',
    'provider', v_provider,
    'model', v_model,
    'input', jsonb_strip_nulls(jsonb_build_object('text', p_input->'prompt', 'image', p_input->'image')),
    'options', v_options,
    'webhookUrl', p_input->'webhookUrl');
  RETURN v_out;
END
$$;
