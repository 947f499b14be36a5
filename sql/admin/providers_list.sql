-- admin.providers_list() -> JSON array of {id, types, adapter, enabled, route},
-- ordered by id.
CREATE OR REPLACE FUNCTION admin.providers_list()
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_out jsonb;
BEGIN
  SELECT coalesce(jsonb_agg(jsonb_build_object('id', p.id, 'types', to_jsonb(p.types),
                                                'adapter', p.adapter, 'enabled', p.enabled,
                                                'route', p.route, 'keyEnv', p.key_env,
                                                'breaker', CASE WHEN p.breaker_open_until > now() THEN 'open'
                                                                WHEN p.breaker_open_until IS NOT NULL THEN 'half-open'
                                                                ELSE 'closed' END,
                                                'failureStreak', p.failure_streak) ORDER BY p.id), '[]'::jsonb)
    INTO v_out
    FROM internal.providers p;
  RETURN v_out;
END
$$;
