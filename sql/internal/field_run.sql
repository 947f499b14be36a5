-- internal.field_run(principal, field, args, now, select) -> the field's JSON value.
-- Dispatches one root field of a GraphQL operation (api.execute's calls) to
-- its internal.field_* function; args are the GraphQL arguments as JSON,
-- already coerced by the C side; select the call's "select" (sql/README.md
-- "api.execute"), which a field may use to leave out costly members the
-- client did not ask for. A field without a database resolver raises
-- QA500 (INTERNAL_ERROR for that field only, see internal.call_result).
CREATE OR REPLACE FUNCTION internal.field_run(p_who internal.principal, p_field text, p_args jsonb,
                                              p_now timestamptz, p_select jsonb DEFAULT NULL)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
BEGIN
  CASE p_field
    WHEN 'generate'         THEN RETURN internal.field_generate(p_who, p_args->'input', p_now);
    WHEN 'videoCreate'      THEN RETURN internal.field_video_create(p_who, p_args->'input', p_now);
    WHEN 'cancelGeneration' THEN RETURN internal.field_cancel(p_who, p_args->>'id', p_now);
    WHEN 'generation'       THEN RETURN internal.field_generation(p_who, p_args->>'id', p_select);
    WHEN 'providers'        THEN RETURN internal.field_providers(p_args->>'type', p_now);
    WHEN 'provider'         THEN RETURN internal.field_provider(p_args->>'id', p_now);
    WHEN 'estimate'         THEN RETURN internal.field_estimate(p_args->'input', p_now);
    WHEN 'generations'      THEN RETURN internal.field_generations(p_who, p_args);
    WHEN 'account'          THEN RETURN internal.field_account(p_who, p_now);
    WHEN 'rotateWebhookSecret' THEN RETURN internal.field_rotate_webhook_secret(p_who, p_now, p_args->>'sealedSecret');
    ELSE
      RAISE EXCEPTION USING ERRCODE = 'QA500',
        MESSAGE = format('Field "%s" is not available on this server yet.', p_field);
  END CASE;
END
$$;
