-- internal.data_uri_ok(value, kind) -> true for an inline source file the
-- server accepts instead of a URL: "data:<type>;base64,<data>" with an image
-- type for input.image, an audio type for input.audio, and at most
-- internal.data_uri_max_bytes() characters in all (the 1 MiB request body
-- must still hold the rest). Adapters that send files inline (Veo, the local
-- providers) take it as it is; the others upload or pass it on.
CREATE OR REPLACE FUNCTION internal.data_uri_max_bytes()
RETURNS integer
LANGUAGE sql IMMUTABLE
AS $$ SELECT 716800 $$;

-- A plain SQL expression without a SET clause, so the planner inlines it.
CREATE OR REPLACE FUNCTION internal.data_uri_ok(p_value text, p_kind text)
RETURNS boolean
LANGUAGE sql IMMUTABLE
AS $$
  SELECT p_value IS NOT NULL
     AND octet_length(p_value) <= internal.data_uri_max_bytes()
     AND p_value ~ CASE p_kind
                     WHEN 'image' THEN '^data:image/(png|jpeg|webp|gif);base64,[A-Za-z0-9+/]+={0,2}$'
                     WHEN 'audio' THEN '^data:audio/(mpeg|wav|x-wav|mp4|ogg|webm);base64,[A-Za-z0-9+/]+={0,2}$'
                     ELSE '^$.' END
$$;
