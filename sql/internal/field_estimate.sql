-- internal.field_estimate(GenerateInput JSON, now) -> Estimate JSON
-- {provider, model, creditCost, estimatedTime, alternatives: [{provider,
-- creditCost, estimatedTime}], autoSelected}. Query estimate: routes and
-- prices exactly as generate would (same errors: QA400, QA503) and creates
-- nothing; it checks neither the balance nor the concurrency limit.
CREATE OR REPLACE FUNCTION internal.field_estimate(p_input jsonb, p_now timestamptz)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
BEGIN
  RETURN internal.route(internal.request_parse(p_input), true, p_now);
END
$$;
