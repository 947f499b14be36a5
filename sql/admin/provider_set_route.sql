-- admin.provider_set_route(id, route) -> {"id", "route"}: which API the
-- scheduler uses for provider ID: its vendor's (direct), an aggregator's
-- (fal, replicate: needs the catalog's fal_model / replicate_model) or
-- Google Vertex AI (vertex: veo and imagen only). QA400 with allowedValues
-- for another route or one this provider can't take, QA404 for an unknown
-- provider. A job reads its route whenever it is claimed: one already
-- submitted would be polled on the new route, so switch with none in flight.
CREATE OR REPLACE FUNCTION admin.provider_set_route(p_id text, p_route text)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_p internal.providers;
  v_allowed text[];
BEGIN
  SELECT * INTO v_p FROM internal.providers p WHERE p.id = p_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'QA404', MESSAGE = format('Provider %s not found.', p_id);
  END IF;
  v_allowed := ARRAY['direct']
    || CASE WHEN v_p.fal_model IS NOT NULL THEN ARRAY['fal'] ELSE '{}'::text[] END
    || CASE WHEN v_p.replicate_model IS NOT NULL THEN ARRAY['replicate'] ELSE '{}'::text[] END
    || CASE WHEN v_p.adapter IN ('veo', 'imagen') THEN ARRAY['vertex'] ELSE '{}'::text[] END;
  IF p_route IS NULL OR NOT p_route = ANY (v_allowed) THEN
    PERFORM internal.raise_invalid(internal.problem(
      format('Provider %s can take route %s.', p_id, array_to_string(v_allowed, ', ')),
      'route', to_jsonb(v_allowed)));
  END IF;
  UPDATE internal.providers p SET route = p_route WHERE p.id = p_id;
  RETURN jsonb_build_object('id', p_id, 'route', p_route);
END
$$;
