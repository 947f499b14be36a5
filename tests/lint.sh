#!/usr/bin/env bash
# tests/lint.sh - the house style's banned calls (STYLE B2, as curl's
# checksrc does): sprintf, strcpy, strcat, atoi, atol and gets in src/, and
# PQexec with anything but a string literal (the migration runner, which
# executes trusted SQL files, is the one exception); every SQL file in the
# install list and every setting in the configuration reference. Also `make lint`.
set -euo pipefail
src=${DOITONG_SRC_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)}
cd "$src"
failed=0
if grep -nE '(^|[^a-z_])(sprintf|strcpy|strcat|atoi|atol|gets)[[:space:]]*\(' src/*/*.c src/*/*.h; then
	echo "not ok - banned call in src/ (use snprintf, memcpy with a length, strtol)"
	failed=$((failed + 1))
else
	echo "ok - no banned calls in src/"
fi
if grep -nE 'PQexec\([^,]+,[[:space:]]*[^"[:space:]]' src/*/*.c | grep -v '^src/admin/migrate.c:'; then
	echo "not ok - PQexec with a non-literal statement (call api functions through db_call)"
	failed=$((failed + 1))
else
	echo "ok - PQexec only with literal statements (and the migration runner)"
fi
# Installation: every SQL file is installed (Makefile.am lists them one by one).
missing=$(for f in sql/grants.sql sql/*/*.sql; do grep -qF "$f" Makefile.am || echo "$f"; done)
if [[ -n $missing ]]; then
	printf '%s\n' "$missing"
	echo "not ok - SQL files missing from nobase_dist_sql_DATA in Makefile.am (make install would leave them out)"
	failed=$((failed + 1))
else
	echo "ok - every SQL file is in Makefile.am's install list"
fi
# Search paths: every api and admin function is a SECURITY DEFINER entry
# point that pins search_path; internal functions run inside them and
# inherit it, so none is a definer and none sets its own (each SET made
# PostgreSQL recompute the path on every call: sql/README.md).
bad=$(for f in sql/api/*.sql sql/admin/*.sql; do
		n=$(grep -c '^CREATE OR REPLACE FUNCTION' "$f")
		[[ $(grep -c '^SECURITY DEFINER$' "$f") == "$n" &&
			$(grep -c '^SET search_path = pg_catalog, pg_temp$' "$f") == "$n" ]] || echo "$f"
	done
	grep -lE '^(SECURITY DEFINER|SET search_path)' sql/internal/*.sql || true)
if [[ -n $bad ]]; then
	printf '%s\n' "$bad"
	echo "not ok - api/admin functions must be SECURITY DEFINER with SET search_path = pg_catalog, pg_temp; internal ones neither"
	failed=$((failed + 1))
else
	echo "ok - api and admin functions pin search_path; internal functions inherit it"
fi
# The configuration reference: every setting of src/common/config.c's table
# is in the example file (with its default) and in doitong.conf(5).
missing=$(sed -n 's/^[[:space:]]*S("\([a-z_]*\)", SETTING_.*/\1/p' src/common/config.c |
	while read -r key; do
		grep -qE "^#?$key =( |$)" etc/doitong.conf.example.in || echo "$key (etc/doitong.conf.example.in)"
		grep -qE "^\.BR $key " man/doitong.conf.5 || echo "$key (man/doitong.conf.5)"
	done)
if [[ -n $missing ]]; then
	printf '%s\n' "$missing"
	echo "not ok - settings missing from the configuration reference"
	failed=$((failed + 1))
else
	echo "ok - every setting is in etc/doitong.conf.example.in and man/doitong.conf.5"
fi
echo "lint: $((5 - failed)) passed, $failed failed"
((failed == 0))
