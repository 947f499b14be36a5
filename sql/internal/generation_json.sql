-- internal.generation_json(generation): the GraphQL Generation object, with
-- exactly its field names: id, type, status, provider, model, priority,
-- progress, url, metadata, creditCost, estimatedTime, error {code, message},
-- errorCode, input, options, webhookUrl, createdAt, startedAt, completedAt,
-- attempts [{provider, model, status, startedAt, finishedAt, error}].
-- Absent values are JSON null; times are RFC 3339 UTC (internal.iso_time).
-- p_attempts false: attempts is [] without looking them up (half the cost of
-- the object), for a caller that knows there are none (a generation just
-- created) or whose client did not select them (internal.field_generation).
CREATE OR REPLACE FUNCTION internal.generation_json(p_gen internal.generations, p_attempts boolean DEFAULT true)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
  v_attempts jsonb := '[]';
BEGIN
  -- Its own statement, not a CASE inside the object below: there a constant
  -- p_attempts folded the CASE away and the plan stopped inlining
  -- input_public (twice the cost).
  IF p_attempts THEN
    v_attempts := (
      SELECT coalesce(jsonb_agg(jsonb_build_object(
               'provider', a.provider,
               'model', a.model,
               'status', a.status,
               'startedAt', internal.iso_time(a.started_at),
               'finishedAt', internal.iso_time(a.finished_at),
               'error', CASE WHEN a.error_code IS NULL THEN NULL
                             ELSE jsonb_build_object('code', a.error_code,
                                                     'message', coalesce(a.error_message, '')) END)
             ORDER BY a.attempt_no), '[]'::jsonb)
        FROM internal.generation_attempts a
       WHERE a.generation_id = p_gen.id);
  END IF;
  RETURN jsonb_build_object(
    'id', p_gen.id,
    'type', p_gen.type,
    'status', p_gen.status,
    'provider', p_gen.provider,
    'model', p_gen.model,
    'priority', p_gen.priority,
    'progress', p_gen.progress,
    'url', p_gen.url,
    'metadata', p_gen.metadata,
    'creditCost', p_gen.credit_cost,
    'estimatedTime', p_gen.estimated_time,
    'error', CASE WHEN p_gen.error_code IS NULL THEN NULL
                  ELSE jsonb_build_object('code', p_gen.error_code,
                                          'message', coalesce(p_gen.error_message, 'Generation failed.')) END,
    'errorCode', p_gen.error_code,
    'input', internal.input_public(p_gen.input),
    'options', p_gen.options,
    'webhookUrl', p_gen.webhook_url,
    'createdAt', internal.iso_time(p_gen.created_at),
    'startedAt', internal.iso_time(p_gen.started_at),
    'completedAt', internal.iso_time(p_gen.completed_at),
    'attempts', v_attempts);
END
$$;
