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

it_finish() {
	local rc=$?
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

# unique_key: an Idempotency-Key unique to this run.
unique_key() {
	printf 'it-%s-%s-%s-%s\n' "$IT_SUITE" "$$" "$(date +%s%N)" "$RANDOM"
}

# --- doitong.fcgi as plain CGI ------------------------------------------------------

# cgi_run METHOD BODY [NAME=VALUE...]: runs the binary once as CGI against the
# stack's database, with the settings given and no others (so the address
# guard is fully on: no DOITONG_OUTBOUND_ALLOW_LOOPBACK); sets CGI_RC,
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
		"$@" timeout 30 "$DOITONG_BUILD_DIR/doitong.fcgi" <"$in" >"$out" 2>"$IT_TMP/cgi.err" || CGI_RC=$?
	# Split the CGI response: header lines up to the first empty line.
	CGI_STATUS=$(awk '{ sub(/\r$/, "") } /^$/ { exit } tolower($0) ~ /^status:/ { print $2 }' "$out")
	CGI_TYPE=$(awk '{ sub(/\r$/, "") } /^$/ { exit } tolower($0) ~ /^content-type:/ { sub(/^[^:]*:[ \t]*/, ""); print }' "$out")
	RESP_BODY=$(awk 'body { print } { sub(/\r$/, "") } /^$/ && !body { body = 1 }' "$out")
	RESP_STATUS=$CGI_STATUS RESP_TYPE=$CGI_TYPE
	if ((CGI_RC != 0)); then
		note "doitong.fcgi exited $CGI_RC; stderr: $(head -c 500 "$IT_TMP/cgi.err")"
	fi
}
