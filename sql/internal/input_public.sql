-- internal.input_public(input) -> the generation's input as reads and
-- webhooks show it: an inline data: URI (up to 700 KB, see data_uri_ok) is
-- shown as "data:<type>;base64,[N bytes]" so that every read and every
-- webhook body does not carry the file again; the adapters read the stored
-- input itself (internal.job_json).
-- Every read and every webhook body calls this, and almost no input holds a
-- data: URI, so the test is a plain SQL expression the planner inlines (no
-- SET clause, no subquery: a LANGUAGE sql function that is not inlined is
-- planned again in every transaction, ~100 us); only request_parse lets a
-- data: URI in, and only into image and audio.
CREATE OR REPLACE FUNCTION internal.input_shortened(p_input jsonb)
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
  RETURN (SELECT jsonb_object_agg(e.key,
                   CASE WHEN jsonb_typeof(e.value) = 'string' AND left(e.value #>> '{}', 5) = 'data:'
                        THEN to_jsonb(split_part(e.value #>> '{}', ',', 1)
                                      || format(',[%s bytes]', octet_length(e.value #>> '{}')))
                        ELSE e.value END)
            FROM jsonb_each(p_input) AS e);
END
$$;

CREATE OR REPLACE FUNCTION internal.input_public(p_input jsonb)
RETURNS jsonb
LANGUAGE sql IMMUTABLE
AS $$
  SELECT CASE WHEN left(p_input->>'image', 5) = 'data:' OR left(p_input->>'audio', 5) = 'data:'
              THEN internal.input_shortened(p_input)
              ELSE p_input END
$$;
