#!/usr/bin/env bash
# tests/lint.sh - the house style's banned calls (STYLE B2, as curl's
# checksrc does): sprintf, strcpy, strcat, atoi, atol and gets in src/, and
# PQexec with anything but a string literal (the migration runner, which
# executes trusted SQL files, is the one exception). Also `make lint`.
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
echo "lint: $((2 - failed)) passed, $failed failed"
((failed == 0))
