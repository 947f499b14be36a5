-- internal.option_defaults(option specs): every option's default, as an
-- object {name: default} (options whose default is absent or null are
-- left out). jobs_claim computes it once per provider and batch, and
-- internal.job_json lays each job's options over it (defaults || options):
-- the options a job really runs with, so adapters need no catalog knowledge.
CREATE OR REPLACE FUNCTION internal.option_defaults(p_specs jsonb)
RETURNS jsonb
LANGUAGE sql IMMUTABLE
AS $$
  SELECT coalesce(jsonb_object_agg(o->>'name', o->'default'), '{}'::jsonb)
    FROM jsonb_array_elements(coalesce(p_specs, '[]'::jsonb)) AS o
   WHERE o ? 'default' AND jsonb_typeof(o->'default') <> 'null'
$$;
