#!/usr/bin/env bash
# tests/sql/apply.sh DSN — applies the database schema exactly as
# `doitong-admin migrate` does, for development and the pgTAP suite:
#  1. CREATE SCHEMA internal + internal.schema_migrations (if missing);
#  2. every sql/migrations/NNNNNN_slug.sql not yet recorded, in name order,
#     each in its own transaction that first records its version;
#  3. in ONE transaction: sql/internal/*.sql, sql/api/*.sql, sql/admin/*.sql
#     (each folder in name order), then sql/grants.sql.
# (doitong-admin migrate then also seals webhook secrets still in plaintext
# when webhook_secret_key is set: that needs the key, so C only.)
# Idempotent: running it again applies no migration and re-creates the
# functions. The SQL directory is $DOITONG_SQL_DIR or this repo's sql/.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 DSN" >&2
  exit 2
fi
dsn=$1
here=$(cd "$(dirname "$0")" && pwd)
sql_dir=${DOITONG_SQL_DIR:-$here/../../sql}
sql_dir=$(cd "$sql_dir" && pwd)
export LC_ALL=C   # name order = byte order, like the C runner's strcmp sort

psql_run() { PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning" psql "$dsn" -v ON_ERROR_STOP=1 -X -q "$@"; }

psql_run <<'SQL'
CREATE SCHEMA IF NOT EXISTS internal;
CREATE TABLE IF NOT EXISTS internal.schema_migrations (
  version    text PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
);
SQL

applied=$(psql_run -At -c 'SELECT version FROM internal.schema_migrations')

for f in "$sql_dir"/migrations/*.sql; do
  [ -e "$f" ] || continue
  version=$(basename "$f" .sql)
  if ! [[ $version =~ ^[0-9]{6}_[a-z0-9_]+$ ]]; then
    echo "apply.sh: bad migration file name: $f" >&2
    exit 1
  fi
  if grep -qxF "$version" <<<"$applied"; then
    continue
  fi
  {
    echo "BEGIN;"
    echo "INSERT INTO internal.schema_migrations (version) VALUES ('$version');"
    echo "\\i '$f'"
    echo "COMMIT;"
  } | psql_run
done

{
  echo "BEGIN;"
  for dir in internal api admin; do
    for f in "$sql_dir/$dir"/*.sql; do
      [ -e "$f" ] && echo "\\i '$f'"
    done
  done
  echo "\\i '$sql_dir/grants.sql'"
  echo "COMMIT;"
} | psql_run
