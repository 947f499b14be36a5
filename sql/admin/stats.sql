-- admin.stats() -> {"accounts": N, "generations": {"PENDING": n, "PROCESSING": n,
-- "COMPLETED": n, "FAILED": n, "CANCELLED": n}} (every status present, 0 if none).
CREATE OR REPLACE FUNCTION admin.stats()
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_gens jsonb;
BEGIN
  SELECT jsonb_object_agg(s.status, (SELECT count(*) FROM internal.generations g WHERE g.status = s.status))
    INTO v_gens
    FROM unnest(ARRAY['PENDING', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED']) AS s(status);
  RETURN jsonb_build_object('accounts', (SELECT count(*) FROM internal.accounts), 'generations', v_gens);
END
$$;
