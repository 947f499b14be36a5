#!/usr/bin/env bash
# tests/sql/pgtap.sh - the pgTAP suite as `make check` runs it: brings up the
# stack's PostgreSQL (idempotent), then runs tests/sql/run.sh in a throwaway
# database, migrated by the doitong-admin just built.
set -euo pipefail
src=${DOITONG_SRC_DIR:?run me from make check}
build=${DOITONG_BUILD_DIR:?run me from make check}
out=$(bash "$src/scripts/stack" up) || { echo "pgtap: scripts/stack up failed"; exit 1; }
dsn=$(sed -n 's/^DOITONG_DSN=//p' <<<"$out")
[ -n "$dsn" ] || { echo "pgtap: scripts/stack up printed no DOITONG_DSN"; exit 1; }
export DOITONG_ADMIN=$build/doitong-admin
export DOITONG_SQL_DIR=$src/sql
log=$(mktemp)
trap 'rm -f "$log"' EXIT
rc=0
bash "$src/tests/sql/run.sh" "$dsn" 2>&1 | tee "$log" || rc=$?
# pg_prove's closing line: "Files=9, Tests=286, ..."
tests=$(sed -n 's/^Files=[0-9]*, Tests=\([0-9]*\),.*/\1/p' "$log" | tail -n 1)
if ((rc == 0)); then
	echo "pgtap: ${tests:-0} passed, 0 failed"
else
	echo "pgtap: failed (exit $rc)"
	exit 1
fi
