-- internal.route(parsed request, with_alternatives, now): decides who runs a
-- request and what it costs, exactly as generate will (estimate uses it too).
-- Returns {provider, model, creditCost, estimatedTime, autoSelected,
--          alternatives: [{provider, creditCost, estimatedTime}]}
-- (alternatives only when asked: the other fitting providers, best first).
-- Named provider: unknown or not serving the type -> QA400 field "provider";
-- disabled or breaker open -> QA503 {"provider": id}; request problems -> QA400.
-- No provider named: the best of internal.providers_ranked, or QA503 when none
-- fits (DETAIL carries the type and each enabled candidate's reason).
CREATE OR REPLACE FUNCTION internal.route(p_req jsonb, p_with_alternatives boolean, p_now timestamptz)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
DECLARE
  v_type    text := p_req->>'type';
  v_model   text := p_req->>'model';
  v_input   jsonb := p_req->'input';
  v_options jsonb := p_req->'options';
  v_prov    internal.providers;
  v_problem jsonb;
  v_choice  jsonb;
  v_alts    jsonb := '[]'::jsonb;
BEGIN
  IF p_req->>'provider' IS NOT NULL THEN
    SELECT p.* INTO v_prov FROM internal.providers p WHERE p.id = p_req->>'provider';
    IF NOT FOUND OR NOT (v_type = ANY (v_prov.types)) THEN
      PERFORM internal.raise_invalid(internal.problem(
        format('Unknown provider %s for type %s.', p_req->>'provider', v_type), 'provider',
        (SELECT coalesce(jsonb_agg(p.id ORDER BY p.id), '[]'::jsonb)
           FROM internal.providers p WHERE v_type = ANY (p.types))));
    END IF;
    IF NOT v_prov.enabled OR v_prov.breaker_open_until > p_now THEN
      RAISE EXCEPTION USING ERRCODE = 'QA503',
        MESSAGE = format('Provider %s is temporarily unavailable. Try again later or omit provider to let the server choose.', v_prov.id),
        DETAIL = jsonb_build_object('provider', v_prov.id)::text;
    END IF;
    v_problem := internal.request_problem(v_prov, v_model, v_input, v_options);
    IF v_problem IS NOT NULL THEN
      PERFORM internal.raise_invalid(v_problem);
    END IF;
    v_choice := jsonb_build_object(
      'provider', v_prov.id,
      'model', coalesce(v_model, v_prov.default_model),
      'creditCost', internal.price(v_prov, v_model, v_input, v_options),
      'estimatedTime', v_prov.estimated_time,
      'autoSelected', false);
  ELSE
    SELECT jsonb_build_object('provider', r.r_provider, 'model', r.r_model, 'creditCost', r.r_cost,
                              'estimatedTime', r.r_time, 'autoSelected', true)
      INTO v_choice
      FROM internal.providers_ranked(v_type, p_req->>'priority', v_model, v_input, v_options, p_now) r
     ORDER BY r.r_rank
     LIMIT 1;
    IF v_choice IS NULL THEN
      RAISE EXCEPTION USING ERRCODE = 'QA503',
        MESSAGE = format('No available %s provider can run this request; check the options and inputs against the providers query.', v_type),
        DETAIL = jsonb_build_object(
          'provider', NULL,
          'type', v_type,
          'reasons', (SELECT coalesce(jsonb_object_agg(p.id, internal.request_problem(p, v_model, v_input, v_options)->>'message'), '{}'::jsonb)
                        FROM internal.providers p
                       WHERE p.enabled AND v_type = ANY (p.types)
                         AND (p.breaker_open_until IS NULL OR p.breaker_open_until <= p_now)))::text;
    END IF;
  END IF;

  IF p_with_alternatives THEN
    SELECT coalesce(jsonb_agg(jsonb_build_object('provider', r.r_provider, 'creditCost', r.r_cost,
                                                 'estimatedTime', r.r_time) ORDER BY r.r_rank), '[]'::jsonb)
      INTO v_alts
      FROM internal.providers_ranked(v_type, p_req->>'priority', v_model, v_input, v_options, p_now) r
     WHERE r.r_provider <> v_choice->>'provider';
  END IF;
  RETURN v_choice || jsonb_build_object('alternatives', v_alts);
END
$$;
