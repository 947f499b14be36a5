# shellcheck shell=bash disable=SC2016,SC2034
# (SC2016: GraphQL $variables in single quotes; SC2034: RESP_*, SUITE_* and
# the like are read by the suites that source this file.)
# tests/integration/lib.sh - helpers for the bash + curl + jq integration suites.
#
# A suite sources this file, calls `it_init NAME`, brings up the stack
# (`it_stack_up` or `it_stack_up --apache`), then runs checks:
#   gql_post URL KEY JSON [CURL-ARGS...]   POST a GraphQL request
#   http_get URL KEY [CURL-ARGS...]        GET (KEY may be empty: no header)
# Each request sets RESP_STATUS (000 when the connection failed), RESP_BODY,
# RESP_HEADERS (raw header block) and RESP_TYPE (Content-Type). Assertions
# count passes and failures; at exit the suite prints exactly one summary line
# `NAME: N passed, M failed` and exits 1 on any failure (99 when the suite
# could not even set up). Every curl call is bounded with --max-time.

set -euo pipefail

IT_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
DOITONG_SRC_DIR=${DOITONG_SRC_DIR:-$(cd "$IT_LIB_DIR/../.." && pwd -P)}
DOITONG_BUILD_DIR=${DOITONG_BUILD_DIR:-$DOITONG_SRC_DIR}
export DOITONG_SRC_DIR DOITONG_BUILD_DIR

IT_SUITE=''
IT_PASS=0
IT_FAIL=0
IT_TMP=''
IT_CURL_TIMEOUT=${IT_CURL_TIMEOUT:-30}
RESP_STATUS='' RESP_BODY='' RESP_HEADERS='' RESP_TYPE=''

it_init() {
	IT_SUITE=$1
	IT_TMP=$(mktemp -d "${TMPDIR:-/tmp}/doitong-it.XXXXXX")
	trap it_finish EXIT
	require() {
		command -v "$1" >/dev/null 2>&1 || it_abort "missing command $1 (install the packages: scripts/check does)"
	}
	require curl
	require jq
}

# it_on_exit COMMAND: runs COMMAND (eval) when the suite ends, before the
# summary, last registered first.
IT_ON_EXIT=()
it_on_exit() { IT_ON_EXIT=("$1" "${IT_ON_EXIT[@]}"); }

it_finish() {
	local rc=$? c
	for c in "${IT_ON_EXIT[@]}"; do eval "$c" || true; done
	IT_ON_EXIT=()
	[[ -n $IT_TMP ]] && rm -rf "$IT_TMP"
	if ((rc == 99)); then
		printf '%s: %d passed, %d failed (set-up error)\n' "$IT_SUITE" "$IT_PASS" "$((IT_FAIL + 1))"
		exit 99
	fi
	if ((rc != 0 && IT_FAIL == 0)); then
		# The script itself died (set -e) outside an assertion: count it.
		IT_FAIL=$((IT_FAIL + 1))
		printf 'not ok - the suite stopped early (exit %d)\n' "$rc"
	fi
	printf '%s: %d passed, %d failed\n' "$IT_SUITE" "$IT_PASS" "$IT_FAIL"
	((IT_FAIL == 0)) || exit 1
	exit 0
}

# it_abort MESSAGE: the suite cannot run at all (hard error, exit 99).
it_abort() {
	printf 'ERROR: %s\n' "$*" >&2
	exit 99
}

note() { printf '# %s\n' "$*"; }

pass() {
	IT_PASS=$((IT_PASS + 1))
	printf 'ok - %s\n' "$1"
}

# fail DESC [DETAIL]: records a failure and shows the last response.
fail() {
	IT_FAIL=$((IT_FAIL + 1))
	printf 'not ok - %s\n' "$1"
	[[ -n ${2:-} ]] && printf '#   %s\n' "$2"
	if [[ -n $RESP_STATUS ]]; then
		printf '#   last response: HTTP %s, Content-Type %s\n' "$RESP_STATUS" "${RESP_TYPE:-none}"
		printf '%s\n' "${RESP_BODY:0:1500}" | sed 's/^/#   | /'
	fi
	return 0
}

# --- the stack ---------------------------------------------------------------

# it_stack_up [--apache]: runs scripts/stack up and exports its lines
# (DOITONG_URL, DOITONG_API_KEY, DOITONG_TEST_KEY, DOITONG_WEBHOOK_SECRET,
# DOITONG_DSN). A failure here is a set-up error, never a skip.
it_stack_up() {
	local out line
	out=$(bash "$DOITONG_SRC_DIR/scripts/stack" up "$@") || it_abort "scripts/stack up${*:+ $*} failed"
	while IFS= read -r line; do
		[[ $line =~ ^(DOITONG_[A-Z_]+)=(.*)$ ]] || it_abort "unexpected line from scripts/stack up: $line"
		export "${BASH_REMATCH[1]}=${BASH_REMATCH[2]}"
	done <<<"$out"
	[[ -n ${DOITONG_URL:-} && -n ${DOITONG_API_KEY:-} && -n ${DOITONG_DSN:-} ]] ||
		it_abort "scripts/stack up did not print DOITONG_URL / DOITONG_API_KEY / DOITONG_DSN"
	# The stack's webhook_secret_key, so that it_admin seals and opens webhook
	# secrets as the stack's own doitong-admin does.
	out=$(bash "$DOITONG_SRC_DIR/scripts/stack" env) || it_abort "scripts/stack env failed"
	line=$(sed -n 's/^DOITONG_WEBHOOK_SECRET_KEY=//p' <<<"$out")
	[[ -n $line ]] && export DOITONG_WEBHOOK_SECRET_KEY=$line
	return 0
}

# it_admin ARGS...: doitong-admin against the stack's database (owner DSN).
it_admin() {
	DOITONG_DSN=$DOITONG_DSN DOITONG_SQL_DIR=$DOITONG_SRC_DIR/sql \
		timeout 60 "$DOITONG_BUILD_DIR/doitong-admin" "$@"
}

# it_suite_account NAME: creates an account of its own for this suite run, so
# that suites running one after another (or side by side) do not share the
# demo account's rate limits, and sets SUITE_KEY (live) and SUITE_TEST_KEY.
# Falls back to the demo account's keys, with a note, if that fails.
SUITE_KEY='' SUITE_TEST_KEY='' SUITE_ACCOUNT=''
it_suite_account() {
	local name="it-$1-$$-$RANDOM" id key tkey
	if id=$(it_admin account create "$name" --plan enterprise --credits 1000000 2>/dev/null) &&
		[[ -n $id ]] &&
		key=$(it_admin key create "$id" 2>/dev/null) && [[ $key == dt_live_* ]] &&
		tkey=$(it_admin key create "$id" --test 2>/dev/null) && [[ $tkey == dt_test_* ]]; then
		# Generous limits so the suite never meets its own rate limit.
		it_admin account set-plan "$id" enterprise --rpm 1000 --concurrent 50 --daily 100000 \
			>/dev/null 2>&1 || note "account set-plan failed; using the plan's default limits"
		SUITE_ACCOUNT=$id SUITE_KEY=$key SUITE_TEST_KEY=$tkey
		note "suite account $id"
	else
		note "could not create a suite account; using the demo account's keys"
		SUITE_ACCOUNT='' SUITE_KEY=$DOITONG_API_KEY SUITE_TEST_KEY=${DOITONG_TEST_KEY:-}
	fi
}

# it_npm_install SRC_DIR NAME PACKAGE: installs SRC_DIR/package.json under
# $DOITONG_BUILD_DIR/_node/NAME once (again when PACKAGE's pinned version
# changed) and sets NODE_DIR; aborts the suite when npm fails.
NODE_DIR=''
it_npm_install() {
	local src=$1 name=$2 package=$3 want have
	NODE_DIR=$DOITONG_BUILD_DIR/_node/$name
	want=$(jq -r --arg p "$package" '.dependencies[$p]' "$src/package.json")
	have=$(jq -r '.version // empty' "$NODE_DIR/node_modules/$package/package.json" 2>/dev/null || true)
	if [[ $have != "$want" ]]; then
		mkdir -p "$NODE_DIR"
		cp "$src/package.json" "$NODE_DIR/"
		(cd "$NODE_DIR" && timeout 300 npm install --no-audit --no-fund --silent) >/dev/null 2>&1 ||
			it_abort "npm install $package@$want failed"
	fi
	note "$package $want"
}

# --- HTTP --------------------------------------------------------------------

# _curl CURL-ARGS...: runs curl, fills RESP_*.
_curl() {
	local hdr=$IT_TMP/headers body=$IT_TMP/body code rc=0
	: >"$hdr"
	: >"$body"
	code=$(curl -sS --max-time "$IT_CURL_TIMEOUT" -D "$hdr" -o "$body" -w '%{http_code}' "$@" 2>"$IT_TMP/curl.err") || rc=$?
	RESP_STATUS=${code:-000}
	((rc == 0)) || RESP_STATUS=000
	RESP_HEADERS=$(tr -d '\r' <"$hdr")
	RESP_BODY=$(<"$body")
	RESP_TYPE=$(resp_header Content-Type)
	if ((rc != 0)); then
		printf '#   curl exit %d: %s\n' "$rc" "$(head -c 300 "$IT_TMP/curl.err")"
	fi
	return 0
}

# gql_post URL KEY JSON [CURL-ARGS...]: POST JSON with Authorization: Bearer
# KEY (no header when KEY is empty) and Content-Type: application/json.
gql_post() {
	local url=$1 key=$2 json=$3
	shift 3
	local args=(-X POST -H 'Content-Type: application/json' --data-binary "$json")
	[[ -n $key ]] && args+=(-H "Authorization: Bearer $key")
	_curl "${args[@]}" "$@" "$url"
}

# http_get URL KEY [CURL-ARGS...]
http_get() {
	local url=$1 key=$2
	shift 2
	local args=()
	[[ -n $key ]] && args+=(-H "Authorization: Bearer $key")
	_curl "${args[@]}" "$@" "$url"
}

# resp_header NAME: the value of response header NAME (last one, as curl may
# show an interim 100 Continue block first); empty when absent.
resp_header() {
	printf '%s\n' "$RESP_HEADERS" | awk -v n="$1" '
		BEGIN { n = tolower(n) }
		{ i = index($0, ":"); if (i && tolower(substr($0, 1, i - 1)) == n) { v = substr($0, i + 1); sub(/^[ \t]+/, "", v); last = v } }
		END { print last }'
}

# jqr FILTER: runs jq -r FILTER on the last body (empty output on bad JSON).
jqr() {
	jq -r "$1" <<<"$RESP_BODY" 2>/dev/null || true
}

# --- assertions ----------------------------------------------------------------

assert_status() { # DESC CODE
	if [[ $RESP_STATUS == "$2" ]]; then pass "$1"; else fail "$1" "expected HTTP $2, got $RESP_STATUS"; fi
}

assert_eq() { # DESC EXPECTED ACTUAL
	if [[ $3 == "$2" ]]; then pass "$1"; else fail "$1" "expected '$2', got '$3'"; fi
}

assert_match() { # DESC REGEX ACTUAL
	if [[ $3 =~ $2 ]]; then pass "$1"; else fail "$1" "'$3' does not match /$2/"; fi
}

# assert_jq DESC FILTER: the last body is JSON and `jq -e FILTER` is true.
assert_jq() {
	if jq -e "$2" <<<"$RESP_BODY" >/dev/null 2>&1; then
		pass "$1"
	else
		fail "$1" "jq -e '$2' is not true"
	fi
}

# assert_json_type DESC: the response is labelled as JSON and parses.
assert_json_type() {
	if [[ $RESP_TYPE =~ ^application/(json|graphql-response\+json) ]] && jq -e . <<<"$RESP_BODY" >/dev/null 2>&1; then
		pass "$1"
	else
		fail "$1" "not a JSON response (Content-Type '${RESP_TYPE}')"
	fi
}

# assert_no_errors DESC: 200, JSON, and no `errors` key.
assert_ok_data() {
	if [[ $RESP_STATUS == 200 ]] && jq -e 'has("data") and (has("errors") | not)' <<<"$RESP_BODY" >/dev/null 2>&1; then
		pass "$1"
	else
		fail "$1" "expected HTTP 200 with data and no errors"
	fi
}

# assert_error_code DESC STATUS CODE: HTTP STATUS and errors[0].extensions.code
# CODE with a non-empty message.
assert_error_code() {
	local desc=$1 status=$2 code=$3
	if [[ $RESP_STATUS == "$status" ]] &&
		jq -e --arg c "$code" '(.errors | type == "array" and length > 0)
			and .errors[0].extensions.code == $c
			and (.errors[0].message | type == "string" and length > 0)' <<<"$RESP_BODY" >/dev/null 2>&1; then
		pass "$desc"
	else
		fail "$desc" "expected HTTP $status with errors[0].extensions.code $code and a message"
	fi
}

# --- GraphQL helpers --------------------------------------------------------------

# json_request QUERY [VARIABLES-JSON] [OPERATION-NAME]: prints a request body.
json_request() {
	local q=$1 vars=${2:-null} op=${3:-}
	if [[ -n $op ]]; then
		jq -cn --arg q "$q" --argjson v "$vars" --arg op "$op" '{query: $q, variables: $v, operationName: $op}'
	else
		jq -cn --arg q "$q" --argjson v "$vars" '{query: $q, variables: $v}'
	fi
}

GET_GENERATION='query GetGeneration($id: ID!) { generation(id: $id) { id status progress url metadata { duration format sizeBytes } error { code message } } }'

# poll_generation URL KEY ID SECONDS: polls every second until the generation
# leaves PENDING/PROCESSING or SECONDS pass; sets POLL_STATUS and leaves the
# last response in RESP_*.
POLL_STATUS=''
poll_generation() {
	local url=$1 key=$2 id=$3 limit=$4 deadline body
	body=$(json_request "$GET_GENERATION" "$(jq -cn --arg id "$id" '{id: $id}')")
	deadline=$((SECONDS + limit))
	POLL_STATUS=''
	while :; do
		gql_post "$url" "$key" "$body"
		POLL_STATUS=$(jqr '.data.generation.status // empty')
		case $POLL_STATUS in
		COMPLETED | FAILED | CANCELLED) return 0 ;;
		esac
		((SECONDS < deadline)) || break
		sleep 1
	done
	POLL_STATUS="TIMEOUT(${POLL_STATUS:-no status})"
}

# it_fake_upstream ARGS...: starts tests/fakes/upstream.mjs on 127.0.0.1 (port
# 0) with ARGS (its keys) and waits until it listens; sets FAKE (its base URL)
# and FAKE_PID (the caller kills it). fake_ctl METHOD PATH [JSON] drives its
# control API (/_fake/PATH).
FAKE='' FAKE_PID=''
it_fake_upstream() {
	local out=$IT_TMP/fake.out port
	command -v node >/dev/null 2>&1 || it_abort "missing command node"
	: >"$out"
	node "$DOITONG_SRC_DIR/tests/fakes/upstream.mjs" --port 0 --media "$DOITONG_SRC_DIR/share/samples" \
		"$@" >"$out" 2>&1 &
	FAKE_PID=$!
	if ! port=$(wait_listening "$out"); then
		kill -9 "$FAKE_PID" 2>/dev/null
		it_abort "the fake upstream did not start: $(head -c 300 "$out")"
	fi
	FAKE=http://127.0.0.1:$port
	note "fake upstream on $FAKE"
}
fake_ctl() {
	curl -sS --max-time 5 -X "$1" -H 'Content-Type: application/json' ${3:+--data-binary "$3"} "$FAKE/_fake/$2"
}

# unique_key: an Idempotency-Key unique to this run.
unique_key() {
	printf 'it-%s-%s-%s-%s\n' "$IT_SUITE" "$$" "$(date +%s%N)" "$RANDOM"
}

# --- doitong.fcgi as plain CGI ------------------------------------------------------

# cgi_run METHOD BODY [NAME=VALUE...]: runs the binary once as CGI against the
# stack's database, with the settings given and no others (so the address
# guard is fully on: no DOITONG_OUTBOUND_ALLOW_LOOPBACK); CGI_BIN names
# another build of it (the ASan one, say); sets CGI_RC,
# CGI_STATUS (the Status: code), CGI_TYPE, RESP_BODY, RESP_STATUS, RESP_TYPE.
CGI_RC=0 CGI_STATUS='' CGI_TYPE=''
cgi_run() {
	local method=$1 body=$2 in=$IT_TMP/cgi.in out=$IT_TMP/cgi.out
	shift 2
	printf '%s' "$body" >"$in"
	CGI_RC=0
	# stdin is a regular file, not a socket: libfcgi falls back to CGI.
	env -i PATH=/usr/bin:/bin LANG=C.UTF-8 \
		DOITONG_DSN="postgresql://doitong_web@127.0.0.1:${DOITONG_PG_PORT:-55432}/doitong" \
		DOITONG_SQL_DIR="$DOITONG_SRC_DIR/sql" \
		DOITONG_MEDIA_DIR="${DOITONG_RUN_DIR:-$DOITONG_BUILD_DIR/.run}/media" \
		DOITONG_MEDIA_URL="http://127.0.0.1:${DOITONG_HTTP_PORT:-8480}/media" \
		GATEWAY_INTERFACE=CGI/1.1 SERVER_PROTOCOL=HTTP/1.1 SERVER_SOFTWARE=it-cgi \
		SERVER_NAME=127.0.0.1 SERVER_PORT=80 REMOTE_ADDR=127.0.0.1 \
		REQUEST_METHOD="$method" SCRIPT_NAME=/graphql REQUEST_URI=/graphql \
		QUERY_STRING= CONTENT_TYPE=application/json CONTENT_LENGTH="$(wc -c <"$in")" \
		HTTP_ACCEPT=application/json \
		"$@" timeout 30 "${CGI_BIN:-$DOITONG_BUILD_DIR/doitong.fcgi}" <"$in" >"$out" 2>"$IT_TMP/cgi.err" || CGI_RC=$?
	# Split the CGI response: header lines up to the first empty line.
	CGI_STATUS=$(awk '{ sub(/\r$/, "") } /^$/ { exit } tolower($0) ~ /^status:/ { print $2 }' "$out")
	CGI_TYPE=$(awk '{ sub(/\r$/, "") } /^$/ { exit } tolower($0) ~ /^content-type:/ { sub(/^[^:]*:[ \t]*/, ""); print }' "$out")
	RESP_BODY=$(awk 'body { print } { sub(/\r$/, "") } /^$/ && !body { body = 1 }' "$out")
	RESP_STATUS=$CGI_STATUS RESP_TYPE=$CGI_TYPE
	if ((CGI_RC != 0)); then
		note "doitong.fcgi exited $CGI_RC; stderr: $(head -c 500 "$IT_TMP/cgi.err")"
	fi
}

# --- the fake upstream and schedulers of a suite's own -------------------------------

# psql_q SQL: one query as the owner, unaligned rows.
psql_q() { psql "$DOITONG_DSN" -XAtq -v ON_ERROR_STOP=1 -c "$1"; }

# it_bg_pid PID: a background process of the suite, SIGKILLed at exit.
IT_BG_PIDS=()
it_bg_pid() {
	((${#IT_BG_PIDS[@]})) || it_on_exit 'kill -9 "${IT_BG_PIDS[@]}" 2>/dev/null'
	IT_BG_PIDS+=("$1")
	disown "$1" 2>/dev/null || true # (no "Killed" notices from bash)
}

# wait_listening FILE: the port a child printed as "listening PORT" to FILE.
wait_listening() {
	local port='' i
	for ((i = 0; i < 100; i++)); do
		port=$(sed -n 's/^listening \([0-9]*\)$/\1/p' "$1")
		[[ -n $port ]] && break
		sleep 0.1
	done
	[[ -n $port ]] || it_abort "no 'listening PORT' in $1: $(head -c 300 "$1")"
	printf '%s\n' "$port"
}

# fake_start: the fake upstream (it_fake_upstream) with the keys of
# FAKE_KEYS, stopped at exit; luma, runway and kling of the catalog point at
# it (restored at exit, breakers closed, enabled).
FAKE_KEYS=(DOITONG_LUMA_KEY=k-luma DOITONG_RUNWAY_KEY=k-runway DOITONG_KLING_KEY=ak-test:sk-test)
fake_start() {
	local saved=it_providers_$$
	it_fake_upstream --luma-key k-luma --runway-key k-runway --kling-access ak-test --kling-secret sk-test
	it_bg_pid "$FAKE_PID"
	psql_q "CREATE TABLE public.$saved AS SELECT id, enabled, base_url, breaker_cooldown_s FROM internal.providers;
	        UPDATE internal.providers SET base_url = '$FAKE/dream-machine/v1' WHERE id = 'luma';
	        UPDATE internal.providers SET base_url = '$FAKE' WHERE id IN ('runway', 'kling');
	        UPDATE internal.providers SET failure_streak = 0, breaker_open_until = NULL, breaker_trips = 0,
	               enabled = true WHERE id IN ('luma', 'runway', 'kling')" >/dev/null
	it_on_exit "psql_q \"UPDATE internal.providers p SET enabled = s.enabled, base_url = s.base_url,
	          breaker_cooldown_s = s.breaker_cooldown_s, failure_streak = 0, breaker_open_until = NULL,
	          breaker_trips = 0 FROM public.$saved s WHERE s.id = p.id; DROP TABLE IF EXISTS public.$saved\" >/dev/null 2>&1"
}

# sched_own: stops the stack's scheduler (`scripts/stack up` brings it back
# at exit) so that schedulers of the suite's own run the jobs.
# sched_start NAME [NAME=VALUE...]: one of them, with the stack's settings,
# the fake's keys and the given extra settings; sets SCHED_PID, logs to
# $IT_TMP/sched-NAME.log.
SCHED_PID=''
sched_own() {
	bash "$DOITONG_SRC_DIR/scripts/stack" down scheduler 2>/dev/null
	it_on_exit 'bash "$DOITONG_SRC_DIR/scripts/stack" up >/dev/null 2>&1'
}
sched_start() {
	local name=$1 env
	shift
	mapfile -t env < <(bash "$DOITONG_SRC_DIR/scripts/stack" env)
	env "${env[@]}" "${FAKE_KEYS[@]}" DOITONG_LOG_LEVEL=info "$@" \
		"$DOITONG_BUILD_DIR/doitong-scheduler" --loop >"$IT_TMP/sched-$name.log" 2>&1 &
	SCHED_PID=$!
	it_bg_pid "$SCHED_PID"
}

# wait_sql SECONDS SQL: polls (every 0.5 s) until SQL answers t.
wait_sql() {
	local deadline=$((SECONDS + $1))
	while [[ $(psql_q "$2") != t ]]; do
		((SECONDS < deadline)) || return 1
		sleep 0.5
	done
}

# ledger_consistent ACCOUNT: t when the account's wallets equal its ledger.
ledger_consistent() {
	psql_q "SELECT bool_and(w.balance = coalesce(l.b, 0) AND w.reserved = coalesce(l.r, 0)) FROM internal.wallets w
	        LEFT JOIN (SELECT account_id, test_mode, sum(balance_delta) b, sum(reserved_delta) r
	                   FROM internal.credit_ledger GROUP BY 1, 2) l USING (account_id, test_mode)
	        WHERE w.account_id = '$1'"
}

# --- clients that retry -------------------------------------------------------------

# retrying_client URL KEY TAG REQUESTS OUT: REQUESTS test-mode generate
# mutations (local AUDIO, prompt TAG-i), each with Idempotency-Key TAG-i and
# retried with it until it answers 200 with an id, as a careful client does
# (at most 40 tries; a second after a 429, else 0.2 s). One line per try in
# OUT: "TAG-i STATUS ID-or-error-code" (STATUS 000: no answer).
retrying_client() {
	local url=$1 key=$2 tag=$3 n=$4 out=$5 resp i try code k body
	resp=$(mktemp "$IT_TMP/resp.XXXXXX")
	for ((i = 1; i <= n; i++)); do
		k=$tag-$i
		body=$(jq -cn --arg t "$k" '{query: "mutation G($i: GenerateInput!) { generate(input: $i) { id } }",
			variables: {i: {type: "AUDIO", provider: "local", input: {text: $t}}}}')
		for ((try = 1; try <= 40; try++)); do
			code=$(curl -sS --max-time 20 -o "$resp" -w '%{http_code}' -X POST \
				-H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
				-H "Idempotency-Key: $k" --data-binary "$body" "$url" 2>/dev/null) || code=000
			echo "$k $code $(jq -r '.data.generate.id // .errors[0].extensions.code // "-"' "$resp" 2>/dev/null || echo -)" >>"$out"
			[[ $code == 200 ]] && jq -e '.data.generate.id' "$resp" >/dev/null 2>&1 && break
			if [[ $code == 429 ]]; then sleep 1; else sleep 0.2; fi
		done
	done
	rm -f "$resp"
}

# check_retried_generations LOG ACCOUNT TAG: the checks after retrying
# clients (their lines in LOG) under a fault: every request got its
# generation, a retry got the same one, the database holds exactly one per
# request with one reservation, nothing in the ledger without its
# generation, all complete (within 90 s) and are charged their price once,
# and the wallets equal the ledger.
check_retried_generations() {
	local log=$1 acct=$2 tag=$3 keys where
	keys=$(awk '{ print $1 }' "$log" | sort -u | wc -l)
	where="account_id = '$acct' AND input->>'text' LIKE '$tag-%'"
	assert_eq "every request got its generation in the end" "$keys" \
		"$(awk '$2 == 200 && $3 ~ /^gen_/ { print $1 }' "$log" | sort -u | wc -l)"
	assert_eq "retries with the same key got the same generation" "" \
		"$(awk '$2 == 200 && $3 ~ /^gen_/ { print $1, $3 }' "$log" | sort -u | awk '{ print $1 }' | uniq -d | head -n 3)"
	assert_eq "one generation per request, none lost, none made twice" "$keys|0" \
		"$(psql_q "SELECT count(*) || '|' || (count(*) - count(DISTINCT input->>'text')) FROM internal.generations WHERE $where")"
	assert_eq "every generation has exactly one reservation" 0 \
		"$(psql_q "SELECT count(*) FROM internal.generations g WHERE $where
		           AND (SELECT count(*) FROM internal.credit_ledger l WHERE l.generation_id = g.id AND l.reserved_delta > 0) <> 1")"
	assert_eq "no ledger entry of the account without its generation" 0 \
		"$(psql_q "SELECT count(*) FROM internal.credit_ledger l WHERE l.account_id = '$acct' AND l.kind <> 'topup'
		           AND (l.generation_id IS NULL OR NOT EXISTS (SELECT FROM internal.generations g WHERE g.id = l.generation_id))")"
	if wait_sql 90 "SELECT bool_and(status = 'COMPLETED') FROM internal.generations WHERE $where"; then
		pass "every generation completes"
	else
		fail "every generation completes ($(psql_q "SELECT string_agg(status || ' ' || n, ', ') FROM (SELECT status, count(*) n FROM internal.generations WHERE $where GROUP BY 1) s"))"
	fi
	assert_eq "each is charged its price exactly once" 0 \
		"$(psql_q "SELECT count(*) FROM internal.generations g WHERE $where
		           AND (SELECT -sum(balance_delta) FROM internal.credit_ledger l WHERE l.generation_id = g.id) IS DISTINCT FROM g.credit_cost::numeric")"
	assert_eq "the account's wallets equal its ledger" t "$(ledger_consistent "$acct")"
}

# fcgi_pids lighttpd|apache: the PIDs of the stack's doitong.fcgi processes
# (this build's) under that web server, one a line.
fcgi_pids() {
	local lt pid ppid
	lt=$(cat "${DOITONG_RUN_DIR:-$DOITONG_BUILD_DIR/.run}/lighttpd/lighttpd.pid" 2>/dev/null || true)
	while read -r pid ppid; do
		[[ $(readlink "/proc/$pid/exe" 2>/dev/null) == "$DOITONG_BUILD_DIR/doitong.fcgi" ]] || continue
		if [[ $1 == lighttpd ]]; then
			[[ $ppid == "$lt" ]] && echo "$pid"
		else
			[[ $ppid != "$lt" ]] && echo "$pid"
		fi
	done < <(ps -o pid=,ppid= -C doitong.fcgi)
	return 0
}
