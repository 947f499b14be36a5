#!/usr/bin/env bash
# tests/lint.sh - the house style's banned calls (STYLE B2, as curl's
# checksrc does): sprintf, strcpy, strcat, atoi, atol and gets in src/, and
# PQexec with anything but a string literal (the migration runner, which
# executes trusted SQL files, is the one exception); every SQL file in the
# install list; who sets the SQL functions' search_path; every setting in the
# configuration reference. Also `make lint`.
set -euo pipefail
src=${DOITONG_SRC_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)}
cd "$src"
checks=0 failed=0
# report FOUND NOT_OK OK: one check's verdict; FOUND lists the offenders
# (empty when there are none) and is printed above a failure.
report() {
	checks=$((checks + 1))
	if [[ -n $1 ]]; then
		printf '%s\n' "$1"
		echo "not ok - $2"
		failed=$((failed + 1))
	else
		echo "ok - $3"
	fi
}

report "$(grep -nE '(^|[^a-z_])(sprintf|strcpy|strcat|atoi|atol|gets)[[:space:]]*\(' src/*/*.c src/*/*.h || true)" \
	"banned call in src/ (use snprintf, memcpy with a length, strtol)" \
	"no banned calls in src/"

report "$(grep -nE 'PQexec\([^,]+,[[:space:]]*[^"[:space:]]' src/*/*.c | grep -v '^src/admin/migrate.c:' || true)" \
	"PQexec with a non-literal statement (call api functions through db_call)" \
	"PQexec only with literal statements (and the migration runner)"

# Installation: every SQL file is installed (Makefile.am lists them one by one).
report "$(for f in sql/grants.sql sql/*/*.sql; do grep -qF "$f" Makefile.am || echo "$f"; done)" \
	"SQL files missing from nobase_dist_sql_DATA in Makefile.am (make install would leave them out)" \
	"every SQL file is in Makefile.am's install list"

# Search paths: every api and admin function is a SECURITY DEFINER entry
# point that pins search_path; internal functions run inside them and
# inherit it, so none is a definer and none sets its own (each SET made
# PostgreSQL recompute the path on every call: sql/README.md).
report "$(for f in sql/api/*.sql sql/admin/*.sql; do
		n=$(grep -c '^CREATE OR REPLACE FUNCTION' "$f")
		[[ $(grep -c '^SECURITY DEFINER$' "$f") == "$n" &&
			$(grep -c '^SET search_path = pg_catalog, pg_temp$' "$f") == "$n" ]] || echo "$f"
	done
	grep -lE '^(SECURITY DEFINER|SET search_path)' sql/internal/*.sql || true)" \
	"api/admin functions must be SECURITY DEFINER with SET search_path = pg_catalog, pg_temp; internal ones neither" \
	"api and admin functions pin search_path; internal functions inherit it"

# The configuration reference: every setting of src/common/config.c's table
# is in the example file (with its default) and in doitong.conf(5).
report "$(sed -n 's/^[[:space:]]*S("\([a-z_]*\)", SETTING_.*/\1/p' src/common/config.c |
	while read -r key; do
		grep -qE "^#?$key =( |$)" etc/doitong.conf.example.in || echo "$key (etc/doitong.conf.example.in)"
		grep -qE "^\.BR $key " man/doitong.conf.5 || echo "$key (man/doitong.conf.5)"
	done)" \
	"settings missing from the configuration reference" \
	"every setting is in etc/doitong.conf.example.in and man/doitong.conf.5"

echo "lint: $((checks - failed)) passed, $failed failed"
((failed == 0))
