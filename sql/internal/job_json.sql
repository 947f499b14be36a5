-- internal.job_json(generation, provider): what a scheduler needs to advance a
-- claimed job: {id, type, provider, adapter, route, model, upstreamModel,
-- input, options (as the client sent them), effectiveOptions (defaults merged),
-- status, upstreamTaskId, testMode, progress, pollInterval, timeLimit (seconds),
-- startedAt, createdAt, autoSelected, attempts (count), submitInFlight,
-- webhookUrl, accountId, awaitingSubmit, attemptStartedAt, baseUrl, keyEnv}.
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
BEGIN
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
    'attempts', (SELECT count(*) FROM internal.generation_attempts a WHERE a.generation_id = p_gen.id),
    'submitInFlight', EXISTS (SELECT 1 FROM internal.generation_attempts a
                               WHERE a.generation_id = p_gen.id AND a.finished_at IS NULL
                                 AND a.status = 'PENDING'),
    'webhookUrl', p_gen.webhook_url,
    'accountId', p_gen.account_id,
    'awaitingSubmit', p_gen.awaiting_submit,
    'attemptStartedAt', (SELECT internal.iso_time(a.started_at) FROM internal.generation_attempts a
                          WHERE a.generation_id = p_gen.id AND a.finished_at IS NULL
                          ORDER BY a.attempt_no DESC LIMIT 1),
    'baseUrl', p_provider.base_url,
    'keyEnv', p_provider.key_env);
END
$$;
