-- internal.idempotency_store(principal, key, fingerprint, results, now):
-- remembers the results of a request that executed with this key, in the
-- same transaction as its effects (so they commit or vanish together).
-- Overwrites an expired row for the same key (internal.idempotency_replay
-- returned NULL for it); a live row cannot exist here because the caller
-- holds the key's lock and found none.
CREATE OR REPLACE FUNCTION internal.idempotency_store(p_who internal.principal, p_key text,
                                                      p_fingerprint text, p_results jsonb,
                                                      p_now timestamptz)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
  INSERT INTO internal.idempotency_keys AS k
    (account_id, test_mode, idem_key, fingerprint, results, created_at)
  VALUES (p_who.account_id, p_who.test_mode, p_key, p_fingerprint, p_results, p_now)
  ON CONFLICT (account_id, test_mode, idem_key) DO UPDATE
     SET fingerprint = EXCLUDED.fingerprint, results = EXCLUDED.results, created_at = EXCLUDED.created_at;
END
$$;
