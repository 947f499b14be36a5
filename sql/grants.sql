-- grants.sql: privileges, re-applied after every migrate (the last step of
-- the function phase). The server role doitong_api may only call api.*;
-- internal (tables, private functions) and admin (operator functions) are
-- reachable by the owner alone. Functions are created EXECUTE-able by PUBLIC
-- by default, hence the explicit revokes in every schema.
REVOKE ALL ON SCHEMA internal FROM PUBLIC;
REVOKE ALL ON SCHEMA admin FROM PUBLIC;
REVOKE ALL ON SCHEMA api FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA internal FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA internal FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA internal FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA admin FROM PUBLIC;
REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA api FROM PUBLIC;

GRANT USAGE ON SCHEMA api TO doitong_api;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA api TO doitong_api;
