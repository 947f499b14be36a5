#!/usr/bin/env bash
# shellcheck disable=SC2016
# (SC2016: GraphQL in single quotes.)
# tests/integration/observability.sh - GET /healthz and GET /metrics through
# lighttpd and Apache (issue 11, item 6): health JSON without a key; the
# Prometheus exposition parses strictly (observability/promparse.mjs); the
# request counters are the pool's, not one process's: they grow by at least
# the number of requests sent, served by several processes; the generations
# gauge sees a new test-mode generation; the key=value log line and
# X-Request-Id; and /healthz answers 503 while PostgreSQL is stopped (the
# stack is brought back before the suite ends, even when it fails).
#
# Stopping PostgreSQL disturbs the other suites: Makefile.am runs this one
# after them (and before db_restart.sh).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

it_init observability
command -v node >/dev/null 2>&1 || it_abort "missing command node (the strict exposition parser runs on it)"
it_stack_up --apache
lt=http://127.0.0.1:${DOITONG_HTTP_PORT:-8480}
ap=http://127.0.0.1:${DOITONG_APACHE_PORT:-8481}
run_dir=${DOITONG_RUN_DIR:-$DOITONG_BUILD_DIR/.run}
responder_log=$run_dir/lighttpd/logs/responder.log
parser=$IT_LIB_DIR/observability/promparse.mjs
it_suite_account observability
key=$SUITE_KEY

# If the suite dies while PostgreSQL is down, bring the stack back first.
pg_stopped=0
obs_exit() {
	local rc=$?
	if ((pg_stopped)); then
		bash "$DOITONG_SRC_DIR/scripts/stack" up --apache >/dev/null 2>&1 || printf '# could not restore the stack\n'
	fi
	(exit "$rc")
	it_finish
}
trap obs_exit EXIT

# scrape BASE NAME: GET BASE/metrics, parse it strictly into $IT_TMP/NAME.json.
scrape() {
	http_get "$1/metrics" ''
	local out=$IT_TMP/$2.json
	if [[ $RESP_STATUS == 200 ]] && node "$parser" <"$IT_TMP/body" >"$out" 2>&1; then
		return 0
	fi
	fail "scrape $1/metrics ($2)" "$(head -c 300 "$out" 2>/dev/null)"
	printf '{}\n' >"$out"
}
# sum NAME JQ-REGEX: the sum of the series of scrape NAME whose key matches.
sum() {
	jq -r --arg re "$2" '[to_entries[] | select(.key | test($re)) | .value] | add // 0' "$IT_TMP/$1.json"
}

# --- /healthz ----------------------------------------------------------------
for base in "$lt" "$ap"; do
	server=$([[ $base == "$lt" ]] && echo lighttpd || echo apache)
	http_get "$base/healthz" ''
	assert_status "$server: /healthz without a key: 200" 200
	assert_match "$server: ... JSON" '^application/json' "$RESP_TYPE"
	assert_jq "$server: ... status ok, database ok" '.status == "ok" and .database == "ok"'
	assert_eq "$server: ... Cache-Control: no-store" no-store "$(resp_header Cache-Control)"
	_curl -I "$base/healthz"
	assert_status "$server: HEAD /healthz: 200" 200
	# (curl -I keeps the header block as the body: no JSON may follow it)
	assert_eq "$server: ... without a body" 0 "$(grep -c '^{' <<<"$RESP_BODY" || true)"
	_curl -X DELETE "$base/healthz"
	assert_status "$server: DELETE /healthz: 405" 405
	assert_eq "$server: ... Allow: GET, HEAD" 'GET, HEAD' "$(resp_header Allow)"
	scrape "$base" "first-$server"
	assert_eq "$server: /metrics is text format 0.0.4" 'text/plain; version=0.0.4; charset=utf-8' "$RESP_TYPE"
	assert_eq "$server: ... Cache-Control: no-store" no-store "$(resp_header Cache-Control)"
	for family in 'doitong_http_requests_total counter' 'doitong_http_request_duration_seconds histogram' \
		'doitong_generations gauge' 'doitong_provider_breaker_open gauge' 'doitong_provider_failure_streak gauge' \
		'doitong_provider_breaker_trips_total counter' 'doitong_provider_errors_total counter' \
		'doitong_webhook_deliveries gauge' 'doitong_webhook_attempts_total counter' 'doitong_database_up gauge'; do
		if grep -qxF "# TYPE $family" <<<"$RESP_BODY"; then pass "$server: /metrics has $family"; else
			fail "$server: /metrics has $family"; fi
	done
	assert_eq "$server: ... healthz requests counted" 1 \
		"$(jq -r '[to_entries[] | select(.key | startswith("doitong_http_requests_total{operation=\"healthz\""))] | length > 0 | if . then 1 else 0 end' "$IT_TMP/first-$server.json")"
	assert_eq "$server: ... the database is up" 1 "$(sum "first-$server" '^doitong_database_up$')"
done
assert_eq "the breaker gauge lists the local provider" 0 "$(sum first-lighttpd '^doitong_provider_breaker_open\{provider="local"\}$')"

# --- request ids and the log line ----------------------------------------------
rid="obs-$$-$RANDOM.id_1"
http_get "$lt/healthz" '' -H "X-Request-Id: $rid"
assert_eq "a sane X-Request-Id is adopted" "$rid" "$(resp_header X-Request-Id)"
http_get "$lt/healthz" '' -H 'X-Request-Id: not sane!'
assert_match "an unsafe one is replaced" '^req_[0-9a-f]{16}$' "$(resp_header X-Request-Id)"
http_get "$lt/healthz" '' -H "X-Request-Id: $(printf 'a%.0s' {1..65})"
assert_match "... and so is one of 65 characters" '^req_[0-9a-f]{16}$' "$(resp_header X-Request-Id)"
line=$(grep -F "request_id=$rid " "$responder_log" | tail -n 1 || true)
assert_match "one key=value log line for the request" \
	"request_id=$rid method=GET path=/healthz operation=healthz name=- status=200 code=OK ms=[0-9]+\.[0-9]{2} bytes=[0-9]+$" "$line"
gql_post "$DOITONG_URL" "$key" '{"query":"query Named { providers(type: AUDIO) { id } }"}' -H "X-Request-Id: $rid-gql"
line=$(grep -F "request_id=$rid-gql " "$responder_log" | tail -n 1 || true)
assert_match "a GraphQL request's log line names its operation (Apache)" \
	"method=POST path=/graphql operation=query name=Named status=200 code=OK ms=[0-9.]+ bytes=[1-9][0-9]*$" "$line"

# --- the counters are the pool's ------------------------------------------------
scrape "$lt" before
n=48
burst=$IT_TMP/burst
mkdir -p "$burst"
for ((i = 0; i < n; i++)); do
	printf '%s\n' "$i"
done | xargs -P 8 -I{} curl -sS --max-time 30 -o /dev/null -w '%{http_code}\n' \
	-H 'Content-Type: application/json' -H "Authorization: Bearer $key" -H "X-Request-Id: obs-burst-$$-{}" \
	--data-binary '{"query":"{ providers(type: AUDIO) { id } }"}' "$lt/graphql" >"$burst/codes" 2>&1 || true
assert_eq "all $n burst requests answered 200" "$n" "$(grep -cx 200 "$burst/codes" || true)"
scrape "$lt" after
re='^doitong_http_requests_total\{operation="query",status="200"\}$'
grown=$(($(sum after "$re") - $(sum before "$re")))
if ((grown >= n)); then pass "requests_total{query,200} grew by $grown >= $n"; else
	fail "requests_total{query,200} grew by $grown >= $n"; fi
grown=$(($(sum after '^doitong_http_request_duration_seconds_count$') - $(sum before '^doitong_http_request_duration_seconds_count$')))
if ((grown >= n)); then pass "the histogram's _count grew by $grown >= $n"; else
	fail "the histogram's _count grew by $grown >= $n"; fi
pids=$(grep -F "request_id=obs-burst-$$-" "$responder_log" | sed -n 's/.*doitong\.fcgi\[\([0-9]*\)\].*/\1/p' | sort -u | wc -l)
if ((pids >= 2)); then pass "the burst was served by $pids processes"; else
	fail "the burst was served by several processes" "only $pids"; fi
# Every scrape lands on some process; each sees the whole pool's totals.
prev=$(sum after "$re") monotonic=1
for ((i = 0; i < 8; i++)); do
	scrape "$lt" "again$i"
	cur=$(sum "again$i" "$re")
	((cur >= prev)) || monotonic=0
	prev=$cur
done
assert_eq "eight scrapes in a row never go backwards" 1 "$monotonic"

# --- the generations gauge -------------------------------------------------------
scrape "$lt" gen-before
gql_post "$DOITONG_URL" "$SUITE_TEST_KEY" '{"query":"mutation { generate(input: {type: AUDIO, provider: \"local\", input: {text: \"observability\"}}) { id } }"}'
assert_ok_data "a test-mode generation is accepted"
scrape "$lt" gen-after
grown=$(($(sum gen-after '^doitong_generations\{') - $(sum gen-before '^doitong_generations\{')))
if ((grown >= 1)); then pass "doitong_generations (all states) grew by $grown"; else
	fail "doitong_generations grew" "by $grown"; fi
re='^doitong_http_requests_total\{operation="generate",status="200"\}$'
assert_eq "... and requests_total{generate,200} by 1 on Apache's pool" 1 \
	"$(($(scrape "$ap" gen-ap >/dev/null; sum gen-ap "$re") - $(sum first-apache "$re")))"

# --- provider errors ------------------------------------------------------------------
# A live job naming luma fails here (the stack has no vendor keys): one more
# failed attempt in doitong_provider_errors_total{provider="luma"}.
scrape "$lt" err-before
gql_post "$DOITONG_URL" "$SUITE_KEY" '{"query":"mutation { generate(input: {type: VIDEO, provider: \"luma\", input: {text: \"observability: luma without its key\"}}) { id } }"}'
gid=$(jqr '.data.generate.id // empty')
[[ -n $gid ]] || it_abort "the luma generation was refused: $RESP_BODY"
poll_generation "$DOITONG_URL" "$SUITE_KEY" "$gid" 60
assert_eq "the luma job failed" FAILED "$POLL_STATUS"
scrape "$lt" err-after
re='^doitong_provider_errors_total\{.*provider="luma"'
grown=$(($(sum err-after "$re") - $(sum err-before "$re")))
assert_eq "doitong_provider_errors_total{provider=luma} grew by 1" 1 "$grown"

# --- PostgreSQL down -----------------------------------------------------------------
pg_stopped=1
bash "$DOITONG_SRC_DIR/scripts/stack" down postgres >/dev/null 2>&1 || it_abort "scripts/stack down postgres failed"
for base in "$lt" "$ap"; do
	server=$([[ $base == "$lt" ]] && echo lighttpd || echo apache)
	http_get "$base/healthz" ''
	assert_status "$server: /healthz with PostgreSQL stopped: 503" 503
	assert_jq "$server: ... status unavailable, database down" '.status == "unavailable" and .database == "down"'
	scrape "$base" "down-$server"
	assert_eq "$server: /metrics still answers, database_up 0" 0 "$(sum "down-$server" '^doitong_database_up$')"
	assert_eq "$server: ... without the database families" 0 "$(sum "down-$server" '^doitong_generations')"
done
it_stack_up --apache
pg_stopped=0
ok=0
for ((i = 0; i < 40; i++)); do
	http_get "$lt/healthz" ''
	if [[ $RESP_STATUS == 200 ]]; then ok=1 && break; fi
	sleep 0.25
done
assert_eq "/healthz is 200 again once PostgreSQL is back" 1 "$ok"
