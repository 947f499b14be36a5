-- internal.job_json(generation, provider): what a scheduler needs to advance a
-- claimed job: {id, type, provider, adapter, route, model, upstreamModel,
-- input, options (as the client sent them), effectiveOptions (defaults merged),
-- status, upstreamTaskId, testMode, progress, pollInterval, timeLimit (seconds),
-- startedAt, createdAt, autoSelected, attempts (count), submitInFlight,
-- webhookUrl, accountId, awaitingSubmit, attemptStartedAt, baseUrl, keyEnv,
-- falModel, replicateModel}: the aggregators' model ids for route fal/replicate.
-- awaitingSubmit: submit (again) rather than poll; true for PENDING jobs and
-- for PROCESSING jobs a fallback moved to another provider.
-- attemptStartedAt: when the open attempt started (its provider's time limit
-- counts from there), else NULL.
-- submitInFlight is true when a previous worker called job_submitting and
-- never reported the outcome: the job must be reconciled, not resubmitted.
CREATE OR REPLACE FUNCTION internal.job_json(p_gen internal.generations, p_provider internal.providers)
RETURNS jsonb
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_attempts integer;
  v_in_flight boolean;
  v_open_start timestamptz;
BEGIN
  -- One pass over the job's attempts (usually none or one).
  SELECT count(*),
         coalesce(bool_or(a.finished_at IS NULL AND a.status = 'PENDING'), false),
         max(a.started_at) FILTER (WHERE a.finished_at IS NULL)
    INTO v_attempts, v_in_flight, v_open_start
    FROM internal.generation_attempts a
   WHERE a.generation_id = p_gen.id;
  RETURN jsonb_build_object(
    'id', p_gen.id,
    'type', p_gen.type,
    'provider', p_gen.provider,
    'adapter', p_provider.adapter,
    'route', p_provider.route,
    'model', p_gen.model,
    'upstreamModel', coalesce(p_provider.upstream_models->>p_gen.model, p_gen.model),
    'input', p_gen.input,
    'options', p_gen.options,
    'effectiveOptions', internal.options_effective(p_provider.options, p_gen.options),
    'status', p_gen.status,
    'upstreamTaskId', p_gen.upstream_task_id,
    'testMode', p_gen.test_mode,
    'progress', p_gen.progress,
    'pollInterval', p_provider.poll_interval_s,
    'timeLimit', p_provider.time_limit_s,
    'startedAt', internal.iso_time(p_gen.started_at),
    'createdAt', internal.iso_time(p_gen.created_at),
    'autoSelected', p_gen.auto_selected,
    'attempts', v_attempts,
    'submitInFlight', v_in_flight,
    'webhookUrl', p_gen.webhook_url,
    'accountId', p_gen.account_id,
    'awaitingSubmit', p_gen.awaiting_submit,
    'attemptStartedAt', internal.iso_time(v_open_start),
    'baseUrl', p_provider.base_url,
    'keyEnv', p_provider.key_env,
    'falModel', p_provider.fal_model,
    'replicateModel', p_provider.replicate_model);
END
$$;
