-- internal.job_json(generation, provider, attempts, in flight, open attempt's
-- start, option defaults): what a scheduler needs to advance a claimed job:
-- {id, type, provider, adapter, route, model, upstreamModel,
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
-- jobs_claim computes the attempts' summary (their count, a submit left in
-- flight, the open attempt's start) and each provider's option defaults for
-- the whole batch, set-based; this only assembles the object, an expression
-- the planner inlines (its two queries per job were ~30 us of a claim's job).
-- json, not jsonb: the claim only hands the text to the scheduler, and
-- json_build_object writes its 28 fields as they come, where jsonb sorted
-- and converted them (~70 against ~30 us per job).
CREATE OR REPLACE FUNCTION internal.job_json(p_gen internal.generations, p_provider internal.providers,
                                             p_attempts bigint, p_in_flight boolean,
                                             p_open_start timestamptz, p_defaults jsonb)
RETURNS json
LANGUAGE sql STABLE
AS $$
  SELECT json_build_object(
    'id', p_gen.id,
    'type', p_gen.type,
    'provider', p_gen.provider,
    'adapter', p_provider.adapter,
    'route', p_provider.route,
    'model', p_gen.model,
    'upstreamModel', coalesce(p_provider.upstream_models->>p_gen.model, p_gen.model),
    'input', p_gen.input,
    'options', p_gen.options,
    'effectiveOptions', p_defaults || p_gen.options,
    'status', p_gen.status,
    'upstreamTaskId', p_gen.upstream_task_id,
    'testMode', p_gen.test_mode,
    'progress', p_gen.progress,
    'pollInterval', p_provider.poll_interval_s,
    'timeLimit', p_provider.time_limit_s,
    'startedAt', internal.iso_time(p_gen.started_at),
    'createdAt', internal.iso_time(p_gen.created_at),
    'autoSelected', p_gen.auto_selected,
    'attempts', p_attempts,
    'submitInFlight', p_in_flight,
    'webhookUrl', p_gen.webhook_url,
    'accountId', p_gen.account_id,
    'awaitingSubmit', p_gen.awaiting_submit,
    'attemptStartedAt', internal.iso_time(p_open_start),
    'baseUrl', p_provider.base_url,
    'keyEnv', p_provider.key_env,
    'falModel', p_provider.fal_model,
    'replicateModel', p_provider.replicate_model)
$$;
