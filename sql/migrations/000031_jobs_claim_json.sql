-- 000031_jobs_claim_json: the claim returns json instead of jsonb
-- (internal.job_json says why). A return type cannot change in place: the
-- old functions go (when there: function files come after every migration),
-- and the function files create the new ones.
DROP FUNCTION IF EXISTS api.jobs_claim(text, integer, integer);
DROP FUNCTION IF EXISTS internal.jobs_claim(text, integer, integer, timestamptz);
DROP FUNCTION IF EXISTS internal.job_json(internal.generations, internal.providers, bigint, boolean, timestamptz, jsonb);
