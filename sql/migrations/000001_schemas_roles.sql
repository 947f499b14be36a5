-- 000001_schemas_roles: the three schemas and the server's role.
--
-- internal: tables, types and private functions; nobody but the owner uses it.
-- api:      only the functions the FastCGI server and the scheduler call
--           (EXECUTE granted to doitong_api in sql/grants.sql).
-- admin:    operator functions called by doitong-admin as the owner.
-- The migration runner itself creates `internal` and internal.schema_migrations
-- before this file runs; IF NOT EXISTS keeps this file valid either way.

CREATE SCHEMA IF NOT EXISTS internal;
CREATE SCHEMA IF NOT EXISTS api;
CREATE SCHEMA IF NOT EXISTS admin;

-- The role the server and scheduler connect as (or are granted). NOLOGIN: the
-- operator creates a login role and grants doitong_api to it, or sets a password.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'doitong_api') THEN
    CREATE ROLE doitong_api NOLOGIN;
  END IF;
END
$$;

-- Nothing but the owner may create objects in our schemas or read internal ones.
REVOKE ALL ON SCHEMA internal FROM PUBLIC;
REVOKE ALL ON SCHEMA admin FROM PUBLIC;
REVOKE ALL ON SCHEMA api FROM PUBLIC;
