-- internal.claim_check(worker, lease seconds): refuses (QA400) what no claim
-- may use: a worker id of other than 1 to 200 characters, a lease of other
-- than 1 to 86400 seconds. Shared by jobs_claim and webhooks_claim.
CREATE OR REPLACE FUNCTION internal.claim_check(p_worker text, p_lease_seconds integer)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
  IF p_worker IS NULL OR p_worker = '' OR length(p_worker) > 200 THEN
    PERFORM internal.raise_invalid(internal.problem('worker must be 1 to 200 characters.', 'worker'));
  END IF;
  IF p_lease_seconds IS NULL OR p_lease_seconds < 1 OR p_lease_seconds > 86400 THEN
    PERFORM internal.raise_invalid(internal.problem('lease must be 1 to 86400 seconds.', 'leaseSeconds'));
  END IF;
END
$$;
