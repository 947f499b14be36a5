-- 000027_option_defaults: internal.options_effective(specs, options) had one
-- caller left, jobs_claim, which asked it for the defaults alone and laid
-- each job's options over them itself (internal.job_json): the merge was
-- spelled twice. internal.option_defaults(specs) replaces it (created by its
-- function file right after); the old function is dropped here.
DROP FUNCTION IF EXISTS internal.options_effective(jsonb, jsonb);
