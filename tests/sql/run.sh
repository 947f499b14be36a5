#!/usr/bin/env bash
# tests/sql/run.sh ADMIN_DSN — the pgTAP suite.
# ADMIN_DSN connects as a superuser to the cluster, e.g.
#   postgresql://doitong@127.0.0.1:55499/postgres
# Creates a throwaway database doitong_pgtap_$$ (dropped on exit), applies the
# schema with `$DOITONG_ADMIN migrate` when DOITONG_ADMIN is set (that binary
# reads DOITONG_DSN and DOITONG_SQL_DIR) or else with tests/sql/apply.sh,
# applies it a SECOND time to prove it is idempotent, loads pgTAP and
# helpers.sql, runs pg_prove on tests/sql/[0-9]*.sql and then the concurrency
# check (concurrency.sh). Exits non-zero if anything fails. Needs no network;
# every statement is bounded by statement_timeout.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 ADMIN_DSN" >&2
  exit 2
fi
admin_dsn=$1
here=$(cd "$(dirname "$0")" && pwd)
sql_dir=$(cd "${DOITONG_SQL_DIR:-$here/../../sql}" && pwd)
db=doitong_pgtap_$$

# Same server and credentials, other database: libpq takes the last dbname.
dsn_for() {
  case $admin_dsn in
    postgres://*|postgresql://*)
      local base=${admin_dsn%%\?*} query=""
      [ "$base" != "$admin_dsn" ] && query="?${admin_dsn#*\?}"
      local scheme=${base%%://*} rest=${base#*://}
      local authority=${rest%%/*}
      echo "$scheme://$authority/$1$query" ;;
    *) echo "$admin_dsn dbname=$1" ;;
  esac
}
test_dsn=$(dsn_for "$db")

export PGOPTIONS="${PGOPTIONS:-} -c statement_timeout=120s -c lock_timeout=30s"
export PGCONNECT_TIMEOUT=${PGCONNECT_TIMEOUT:-10}

cleanup() {
  psql "$admin_dsn" -X -q -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT INT TERM

psql "$admin_dsn" -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$db\""

apply_schema() {
  if [ -n "${DOITONG_ADMIN:-}" ]; then
    DOITONG_DSN=$test_dsn DOITONG_SQL_DIR=$sql_dir "$DOITONG_ADMIN" migrate
  else
    DOITONG_SQL_DIR=$sql_dir "$here/apply.sh" "$test_dsn"
  fi
}
echo "# applying schema to $db"
apply_schema
echo "# applying schema again (idempotency)"
apply_schema

psql "$test_dsn" -X -q -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS pgtap"
psql "$test_dsn" -X -q -v ON_ERROR_STOP=1 -f "$here/helpers.sql"

status=0
timeout 600 pg_prove -d "$test_dsn" "$here"/[0-9]*.sql || status=$?

echo "# concurrency check"
timeout 300 "$here/concurrency.sh" "$test_dsn" || status=1

exit $status
