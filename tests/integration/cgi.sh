#!/usr/bin/env bash
# tests/integration/cgi.sh - doitong.fcgi as a plain CGI program (shared
# hosting): no web server, the request in environment variables and stdin,
# one response with a `Status:` header on stdout, then exit.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

it_init cgi
# shellcheck disable=SC2119 # (the database, migrations and an account)
it_stack_up
it_suite_account cgi

FCGI=$DOITONG_BUILD_DIR/doitong.fcgi
[[ -x $FCGI ]] || it_abort "$FCGI is missing"
WEB_DSN=postgresql://doitong_web@127.0.0.1:${DOITONG_PG_PORT:-55432}/doitong

# cgi_run METHOD BODY [NAME=VALUE...]: runs the binary once as CGI; sets
# CGI_RC, CGI_STATUS (the Status: code), CGI_TYPE, RESP_BODY.
CGI_RC=0 CGI_STATUS='' CGI_TYPE=''
cgi_run() {
	local method=$1 body=$2 in=$IT_TMP/cgi.in out=$IT_TMP/cgi.out
	shift 2
	printf '%s' "$body" >"$in"
	CGI_RC=0
	# stdin is a regular file, not a socket: libfcgi falls back to CGI.
	env -i PATH=/usr/bin:/bin LANG=C.UTF-8 \
		DOITONG_DSN="$WEB_DSN" \
		DOITONG_SQL_DIR="$DOITONG_SRC_DIR/sql" \
		DOITONG_MEDIA_DIR="${DOITONG_RUN_DIR:-$DOITONG_BUILD_DIR/.run}/media" \
		DOITONG_MEDIA_URL="http://127.0.0.1:${DOITONG_HTTP_PORT:-8480}/media" \
		GATEWAY_INTERFACE=CGI/1.1 SERVER_PROTOCOL=HTTP/1.1 SERVER_SOFTWARE=it-cgi \
		SERVER_NAME=127.0.0.1 SERVER_PORT=80 REMOTE_ADDR=127.0.0.1 \
		REQUEST_METHOD="$method" SCRIPT_NAME=/graphql REQUEST_URI=/graphql \
		QUERY_STRING= CONTENT_TYPE=application/json CONTENT_LENGTH="${#body}" \
		HTTP_ACCEPT=application/json \
		"$@" timeout 30 "$FCGI" <"$in" >"$out" 2>"$IT_TMP/cgi.err" || CGI_RC=$?
	# Split the CGI response: header lines up to the first empty line.
	CGI_STATUS=$(awk '{ sub(/\r$/, "") } /^$/ { exit } tolower($0) ~ /^status:/ { print $2 }' "$out")
	CGI_TYPE=$(awk '{ sub(/\r$/, "") } /^$/ { exit } tolower($0) ~ /^content-type:/ { sub(/^[^:]*:[ \t]*/, ""); print }' "$out")
	RESP_BODY=$(awk 'body { print } { sub(/\r$/, "") } /^$/ && !body { body = 1 }' "$out")
	RESP_STATUS=$CGI_STATUS RESP_TYPE=$CGI_TYPE
	if ((CGI_RC != 0)); then
		note "doitong.fcgi exited $CGI_RC; stderr: $(head -c 500 "$IT_TMP/cgi.err")"
	fi
}

# 1. A providers query.
cgi_run POST '{"query":"query { providers(type: AUDIO) { id name } }"}' \
	HTTP_AUTHORIZATION="Bearer $SUITE_KEY"
assert_eq "CGI providers: exit status 0" 0 "$CGI_RC"
assert_eq "CGI providers: Status: 200" 200 "$CGI_STATUS"
assert_json_type "CGI providers: JSON Content-Type and body"
assert_jq "CGI providers: data.providers includes local, no errors" \
	'(has("errors") | not) and (.data.providers | any(.id == "local"))'

# 2. A body that is not JSON.
cgi_run POST '{"query": "{ providers { id } "' HTTP_AUTHORIZATION="Bearer $SUITE_KEY"
assert_eq "CGI bad JSON: exit status 0" 0 "$CGI_RC"
assert_eq "CGI bad JSON: Status: 400" 400 "$CGI_STATUS"
assert_json_type "CGI bad JSON: JSON Content-Type and body"
assert_jq "CGI bad JSON: an errors list" '.errors | type == "array" and length > 0'

# 3. No Authorization at all.
cgi_run POST '{"query":"{ providers { id } }"}'
assert_eq "CGI no key: Status: 401" 401 "$CGI_STATUS"
assert_jq "CGI no key: UNAUTHENTICATED" '.errors[0].extensions.code == "UNAUTHENTICATED"'
