-- api.video_create(key hash, VideoCreateInput JSON) -> VideoCreatePayload JSON.
-- Mutation videoCreate (legacy) as a single call (the server uses
-- api.execute): QA401 bad key, then internal.field_video_create.
CREATE OR REPLACE FUNCTION api.video_create(p_key_hash text, p_input jsonb)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  RETURN internal.field_video_create(internal.principal_of(p_key_hash), p_input, now());
END
$$;
