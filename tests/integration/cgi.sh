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

[[ -x $DOITONG_BUILD_DIR/doitong.fcgi ]] || it_abort "$DOITONG_BUILD_DIR/doitong.fcgi is missing"

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
