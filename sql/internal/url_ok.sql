-- internal.url_ok(url): true for an absolute http(s) URL of at most 2,048
-- bytes with a host and no user:password@ part. The network-level checks
-- (loopback, private and reserved addresses in any spelling, https-only
-- policy) belong to the C address guard, which knows the operator's policy.
CREATE OR REPLACE FUNCTION internal.url_ok(p_url text)
RETURNS boolean
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
  RETURN p_url IS NOT NULL
     AND octet_length(p_url) <= 2048
     AND p_url ~* '^https?://[^/?#@[:space:]]+([/?#][^[:space:]]*)?$';
END
$$;
