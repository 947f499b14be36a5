#!/usr/bin/env bash
# tests/faults/fcgi_kill.sh - FastCGI responders SIGKILLed under a load of
# generate requests, through lighttpd and through Apache (issue 10, item 1).
# Clients send generate mutations, each with its own Idempotency-Key, and
# retry a request that failed (the connection broke, or the web server
# answered 5xx because its responder died) with the same key until it gets
# its generation, as a careful client would. Meanwhile, in rounds, the
# account's wallets are held for 0.6 s (so requests wait inside their
# transaction) and every responder of one web server (lighttpd and Apache in
# turn) is killed: requests die in flight, before or after their commit. Afterwards: the web servers respawned their
# pools and answer; every key has exactly one generation (none lost, none
# made twice); every generation has its reservation and every reservation
# its generation; the wallets equal the ledger; every generation finishes.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../integration/lib.sh"

it_init fcgi_kill
it_stack_up --apache
it_suite_account fcgi_kill
[[ -n $SUITE_ACCOUNT ]] || it_abort "no suite account"
LT_URL=http://127.0.0.1:${DOITONG_HTTP_PORT:-8480}/graphql
AP_URL=$DOITONG_URL
key=$SUITE_TEST_KEY
CLIENTS=${FCGI_KILL_CLIENTS:-4} REQUESTS=${FCGI_KILL_REQUESTS:-30} KILLS=${FCGI_KILL_KILLS:-12}
tag="kill-$$-$RANDOM"

# Warm both pools, then load and kill.
for u in "$LT_URL" "$AP_URL"; do
	for _ in 1 2 3 4; do gql_post "$u" "$key" '{"query":"{ __typename }"}'; done
done
lt_before=$(fcgi_pids lighttpd | sort | tr '\n' ' ')
note "lighttpd responders before: $lt_before"
pids=()
for ((c = 1; c <= CLIENTS; c++)); do
	u=$LT_URL
	((c % 2)) || u=$AP_URL
	retrying_client "$u" "$key" "$tag-$c" "$REQUESTS" "$IT_TMP/client-$c" &
	pids+=($!)
done
killed=0
for ((k = 1; k <= KILLS; k++)); do
	server=lighttpd
	((k % 2)) || server=apache
	# Hold the account's wallets for a moment so that the generate requests
	# in flight wait inside their transaction; kill the pool meanwhile, so
	# that requests die mid-flight (before or after their commit).
	psql_q "BEGIN; SELECT 1 FROM internal.wallets WHERE account_id = '$SUITE_ACCOUNT' FOR UPDATE;
	        SELECT pg_sleep(0.6); COMMIT" >/dev/null 2>&1 &
	locker=$!
	sleep 0.3
	for victim in $(fcgi_pids "$server"); do
		kill -9 "$victim" 2>/dev/null && killed=$((killed + 1))
	done
	wait "$locker" || true
	sleep 0.2
done
wait "${pids[@]}"
note "responders killed: $killed"
if ((killed >= KILLS)); then
	pass "responders were SIGKILLed under load ($killed)"
else
	fail "responders were SIGKILLed under load ($killed in $KILLS rounds)"
fi

cat "$IT_TMP"/client-* >"$IT_TMP/all"
tries=$(wc -l <"$IT_TMP/all")
keys=$(awk '{ print $1 }' "$IT_TMP/all" | sort -u | wc -l)
failed=$(awk '$2 != 200' "$IT_TMP/all" | wc -l)
note "$keys requests, $tries tries, $failed failed tries: $(awk '$2 != 200 { print $2 "/" $3 }' "$IT_TMP/all" | sort | uniq -c | tr -s ' \n' ' ')"
cut=$(awk '$2 == "000" || $2 ~ /^5/' "$IT_TMP/all" | wc -l)
if ((cut > 0)); then
	pass "requests were cut by the kills ($cut tries)"
else
	fail "requests were cut by the kills (none: the fault never hit a request)"
fi
assert_eq "every other answer was a JSON error with a code: 5xx INTERNAL_ERROR (a responder died), 429 RATE_LIMIT, or none (connection broken)" "" \
	"$(awk '$2 != 200 && !($2 == "000") && !($2 ~ /^5/ && $3 == "INTERNAL_ERROR") && !($2 == 429 && $3 == "RATE_LIMIT")' "$IT_TMP/all" | head -n 3)"
check_retried_generations "$IT_TMP/all" "$SUITE_ACCOUNT" "$tag"

# The pools are back.
for u in "$LT_URL" "$AP_URL"; do
	ok=0
	for _ in 1 2 3 4 5 6 7 8; do
		gql_post "$u" "$key" '{"query":"{ __typename }"}'
		[[ $RESP_STATUS == 200 ]] && ok=$((ok + 1))
	done
	assert_eq "after the kills $u answers every request" 8 "$ok"
done
lt_after=$(fcgi_pids lighttpd | sort | tr '\n' ' ')
note "lighttpd responders after: $lt_after"
assert_eq "lighttpd respawned its pool (as many responders as before)" "$(wc -w <<<"$lt_before")" "$(wc -w <<<"$lt_after")"
assert_eq "Apache has responders again" true "$([[ -n $(fcgi_pids apache) ]] && echo true || echo false)"
