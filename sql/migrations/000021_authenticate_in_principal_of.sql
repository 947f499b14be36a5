-- 000021_authenticate_in_principal_of: internal.principal_of authenticates
-- the key in the same query that reads the limits, and the calls that only
-- needed the key checked call it too, so the separate lookup is gone.
DROP FUNCTION IF EXISTS internal.authenticate(text);
