-- internal.field_video_create(principal, VideoCreateInput JSON, now) ->
-- VideoCreatePayload JSON {id, status, videoUrl, progress, creditCost}.
-- Mutation videoCreate (legacy): translated by internal.video_input, then
-- limited and created exactly like generate (internal.concurrency_check,
-- internal.generation_create). Shared by api.video_create and api.execute.
CREATE OR REPLACE FUNCTION internal.field_video_create(p_who internal.principal, p_input jsonb,
                                                       p_now timestamptz)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
  v_gen internal.generations;
BEGIN
  PERFORM internal.concurrency_check(p_who);
  v_gen := internal.generation_create(p_who.account_id, p_who.test_mode,
                                      internal.video_input(p_input), p_now);
  RETURN jsonb_build_object('id', v_gen.id, 'status', v_gen.status, 'videoUrl', v_gen.url,
                            'progress', v_gen.progress, 'creditCost', v_gen.credit_cost);
END
$$;
