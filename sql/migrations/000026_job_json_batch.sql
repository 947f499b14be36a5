-- 000026_job_json_batch: internal.job_json takes the attempts' summary and
-- the provider's option defaults, which jobs_claim now computes once per
-- batch (set-based) instead of two queries per job. The old two-argument
-- signature would stay beside the new one: dropped here, and the function
-- file creates the new one right after.
DROP FUNCTION IF EXISTS internal.job_json(internal.generations, internal.providers);
