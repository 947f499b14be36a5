#!/usr/bin/env bash
# tests/integration/db_restart.sh - PostgreSQL restarts under a running stack:
# the responders reconnect (a request right after may get 503 INTERNAL_ERROR,
# never a hang or a 500) and the scheduler keeps working (its LISTEN
# connection is gone too). A second restart comes in the middle of a load of
# generate requests (issue 10): clients, retrying with their Idempotency-Key,
# see only success or 503 INTERNAL_ERROR; every request ends with exactly
# one generation, reserved once, completed and charged once; no
# half-written generation and no ledger entry without one.
#
# Restarting the database disturbs whatever else runs on this stack: run it
# alone, or after the other integration suites (Makefile.am orders it last).
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

it_init db_restart
# shellcheck disable=SC2119 # (lighttpd stack)
it_stack_up
it_suite_account db_restart
key=$SUITE_KEY
url=$DOITONG_URL
query='{"query":"query { providers(type: AUDIO) { id } }"}'

gql_post "$url" "$key" "$query"
assert_ok_data "before the restart: a request works"

sched_pid=$(cat "${DOITONG_RUN_DIR:-$DOITONG_BUILD_DIR/.run}/scheduler.pid" 2>/dev/null || true)

bash "$DOITONG_SRC_DIR/scripts/stack" restart-postgres || it_abort "scripts/stack restart-postgres failed"

# Every pooled responder lost its connection. Requests right after may get
# 503 (INTERNAL_ERROR) while they reconnect, never 500 and never a hang
# (curl's --max-time bounds each); within 10 s they must all succeed again.
saw_500=0 saw_other='' ok_streak=0 deadline=$((SECONDS + 10))
IT_CURL_TIMEOUT=10
while ((SECONDS < deadline)); do
	gql_post "$url" "$key" "$query"
	case $RESP_STATUS in
	200)
		if jq -e '.data.providers | type == "array"' <<<"$RESP_BODY" >/dev/null 2>&1; then
			ok_streak=$((ok_streak + 1))
		else
			ok_streak=0
		fi
		;;
	503)
		ok_streak=0
		jq -e '.errors[0].extensions.code == "INTERNAL_ERROR"' <<<"$RESP_BODY" >/dev/null 2>&1 ||
			saw_other+=" 503-without-INTERNAL_ERROR"
		;;
	500)
		ok_streak=0
		saw_500=1
		;;
	*)
		ok_streak=0
		saw_other+=" $RESP_STATUS"
		;;
	esac
	# Eight successes in a row: more than the pool has responders (4).
	((ok_streak >= 8)) && break
	sleep 0.2
done
assert_eq "after the restart: no HTTP 500" 0 "$saw_500"
assert_eq "after the restart: only 200 or 503 INTERNAL_ERROR" "" "$saw_other"
if ((ok_streak >= 8)); then
	pass "after the restart: requests succeed again within 10 s"
else
	fail "after the restart: requests succeed again within 10 s"
fi

# The scheduler survived and picks up new work.
if [[ -n $sched_pid ]] && kill -0 "$sched_pid" 2>/dev/null; then
	pass "scheduler still running after the restart (pid $sched_pid)"
else
	fail "scheduler still running after the restart" "pid '${sched_pid}' is gone; see .run/scheduler.log"
fi
# shellcheck disable=SC2016 # (GraphQL variables)
req=$(json_request 'mutation Generate($input: GenerateInput!) { generate(input: $input) { id status } }' \
	'{"input":{"type":"AUDIO","provider":"local","input":{"text":"After the database restart."},"options":{"voice":"en"}}}')
gql_post "$url" "$key" "$req"
assert_ok_data "after the restart: generate works"
gid=$(jqr '.data.generate.id // empty')
if [[ -n $gid ]]; then
	poll_generation "$url" "$key" "$gid" 60
	assert_eq "after the restart: the scheduler completes a local AUDIO job" COMPLETED "$POLL_STATUS"
fi

# --- a restart under a load of generate requests ------------------------------------
tag="dbr-$$-$RANDOM"
pids=()
# 3 x 15 test-mode generations stay under the suite account's 50 concurrent.
for c in 1 2 3; do
	retrying_client "$url" "${SUITE_TEST_KEY:-$key}" "$tag-$c" 15 "$IT_TMP/load-$c" &
	pids+=($!)
done
sleep 1
bash "$DOITONG_SRC_DIR/scripts/stack" restart-postgres || it_abort "scripts/stack restart-postgres failed"
wait "${pids[@]}"
cat "$IT_TMP"/load-? >"$IT_TMP/load"
note "$(awk '{ print $1 }' "$IT_TMP/load" | sort -u | wc -l) requests, $(wc -l <"$IT_TMP/load") tries: $(awk '{ print $2 "/" ($2 == 200 ? "ok" : $3) }' "$IT_TMP/load" | sort | uniq -c | tr -s ' \n' ' ')"
assert_eq "under load: every answer was 200 or 503 INTERNAL_ERROR" "" \
	"$(awk '$2 != 200 && !($2 == 503 && $3 == "INTERNAL_ERROR")' "$IT_TMP/load" | head -n 3)"
check_retried_generations "$IT_TMP/load" "$SUITE_ACCOUNT" "$tag"
