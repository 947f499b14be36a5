-- api.video_create(key hash, VideoCreateInput JSON) -> VideoCreatePayload JSON
-- {id, status, videoUrl, progress, creditCost}. Mutation videoCreate (legacy):
-- translated by internal.video_input, then created exactly like generate.
CREATE OR REPLACE FUNCTION api.video_create(p_key_hash text, p_input jsonb)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_key internal.api_keys := internal.authenticate(p_key_hash);
  v_gen internal.generations;
BEGIN
  v_gen := internal.generation_create(v_key.account_id, v_key.test_mode,
                                      internal.video_input(p_input), now());
  RETURN jsonb_build_object('id', v_gen.id, 'status', v_gen.status, 'videoUrl', v_gen.url,
                            'progress', v_gen.progress, 'creditCost', v_gen.credit_cost);
END
$$;
