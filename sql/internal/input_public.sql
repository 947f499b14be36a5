-- internal.input_public(input) -> the generation's input as reads and
-- webhooks show it: an inline data: URI (up to 700 KB, see data_uri_ok) is
-- shown as "data:<type>;base64,[N bytes]" so that every read and every
-- webhook body does not carry the file again; the adapters read the stored
-- input itself (internal.job_json).
CREATE OR REPLACE FUNCTION internal.input_public(p_input jsonb)
RETURNS jsonb
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT CASE WHEN p_input IS NULL OR NOT p_input::text LIKE '%"data:%' THEN p_input
              ELSE (SELECT jsonb_object_agg(e.key,
                             CASE WHEN jsonb_typeof(e.value) = 'string' AND left(e.value #>> '{}', 5) = 'data:'
                                  THEN to_jsonb(split_part(e.value #>> '{}', ',', 1)
                                                || format(',[%s bytes]', octet_length(e.value #>> '{}')))
                                  ELSE e.value END)
                      FROM jsonb_each(p_input) AS e) END
$$;
